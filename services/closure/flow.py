"""The customer's closure steps (spec §1): start, send code, verify, confirm, cancel."""

from dataclasses import dataclass
from uuid import UUID

from tortoise.transactions import in_transaction

from models import (
    Account,
    ClosureReason,
    ClosureRequest,
    ClosureStep,
    Purpose,
    Session,
)
from services import locks, validation
from services.accounts import ACCOUNT, AccountEvent
from services.closure import eligibility, receipts, review
from services.closure.eligibility import Finding
from services.closure.machine import EXPIRING, Event, State, apply, require
from services.closure.receipts import Receipt
from services.errors import DomainError, ErrorCode
from services.identity import captcha, codes, sessions
from services.messages import message
from services.notify import outbox
from services.notify.sms import SmsPurpose
from services.records import audit
from services.runtime import Runtime


@dataclass(frozen=True)
class Started:
    request: ClosureRequest | None
    blockers: list[Finding]


@dataclass(frozen=True)
class Confirmed:
    request: ClosureRequest
    blockers: list[Finding]  # not empty: the request was REJECTED
    receipt: Receipt | None = None  # None when it was


async def find(account_id: UUID, request_id: str) -> ClosureRequest:
    """The account's own request; anybody else's is NOT_FOUND, like one that never existed."""
    found_id = validation.uuid(request_id)
    request = (
        await ClosureRequest.get_or_none(id=found_id, account_id=account_id) if (found_id) else None
    )
    if request is None:
        raise DomainError(ErrorCode.NOT_FOUND, field="requestId")
    return request


async def _live(rt: Runtime, account: Account, request_id: str, event: Event) -> ClosureRequest:
    """The request, if it may take `event` now; one past its 30 minutes expires here."""
    request = await find(account.id, request_id)
    if request.state in EXPIRING and request.expires_at <= rt.clock.now():
        async with in_transaction():
            await apply(rt, request, Event.EXPIRE, at=rt.clock.now())
    require(request, event)
    return request


async def start(
    rt: Runtime, account: Account, *, reason: ClosureReason, comment: str, idempotency_key: str
) -> Started:
    comment = validation.text(comment, field="comment", max_length=500, required=False)
    key = validation.text(idempotency_key, field="idempotencyKey", max_length=64)
    now = rt.clock.now()
    async with in_transaction():
        # Serialises starts (and confirmations, withdrawals) of one account.
        await locks.account(account.id)
        replayed = await ClosureRequest.get_or_none(account_id=account.id, idempotency_key=key)
        if replayed:
            return Started(replayed, [])
        blockers, _ = await eligibility.blockers(rt, account.id)
        if blockers:
            return Started(None, blockers)
        request = await ClosureRequest.create(
            account=account,
            state=State.STARTED,
            reason=reason,
            comment=comment,
            idempotency_key=key,
            created_at=now,
            expires_at=now + rt.rules.request_lifetime,
        )
        await ClosureStep.create(request=request, state=State.STARTED, at=now)
        await audit.closure_moved(
            rt, account_id=account.id, request_id=request.id, state=State.STARTED.value, at=now
        )
    return Started(request, [])


async def send_code(
    rt: Runtime,
    account: Account,
    *,
    request_id: str,
    captcha_id: str,
    captcha_answer: str,
    lang: str,
) -> tuple[ClosureRequest, int]:
    request = await _live(rt, account, request_id, Event.SEND_CODE)
    await captcha.solve(rt, Purpose.CLOSURE, captcha_id, captcha_answer)
    assert account.phone is not None
    async with in_transaction():
        code = await codes.issue(
            rt,
            key=codes.phone_key(rt, account.phone),
            purpose=Purpose.CLOSURE,
            account_id=account.id,
        )
        await apply(rt, request, Event.SEND_CODE, at=rt.clock.now())
        await outbox.enqueue(
            rt,
            account_id=account.id,
            to_phone=account.phone,
            purpose=SmsPurpose.CLOSURE_CODE,
            code=code,
            at=rt.clock.now(),
            text=message(
                "SMS_CLOSURE_CODE",
                lang,
                code=code,
                minutes=int(rt.rules.code_lifetime.total_seconds() // 60),
            ),
        )
    rt.wake_worker()
    return request, int(rt.rules.code_resend_after.total_seconds())


async def verify(
    rt: Runtime, account: Account, *, request_id: str, code: str
) -> tuple[ClosureRequest, list[Finding]]:
    request = await _live(rt, account, request_id, Event.VERIFY)
    assert account.phone is not None
    challenge = await codes.check(
        rt, key=codes.phone_key(rt, account.phone), purpose=Purpose.CLOSURE, code=code
    )
    if challenge.account_id != account.id:
        raise DomainError(ErrorCode.CODE_INVALID, field="code")
    async with in_transaction():
        await codes.consume(rt, challenge)
        await apply(rt, request, Event.VERIFY, at=rt.clock.now(), verified_at=rt.clock.now())
    return request, await eligibility.warnings(rt, account.id)


async def confirm(
    rt: Runtime, session: Session, *, request_id: str, acknowledged: bool, lang: str
) -> Confirmed:
    """CONFIRMED, or UNDER_REVIEW when a review rule fires (a supervisor then decides); the
    account is frozen and every session revoked either way."""
    account = session.account
    if not acknowledged:
        raise DomainError(ErrorCode.ACKNOWLEDGEMENT_REQUIRED, field="acknowledgeIrreversible")
    request = await _live(rt, account, request_id, Event.CONFIRM)
    now = rt.clock.now()
    valid_for = rt.rules.verified_step_valid_for
    if request.verified_at is None or request.verified_at + valid_for <= now:
        raise DomainError(
            ErrorCode.VERIFICATION_EXPIRED,
            field="requestId",
            minutes=int(valid_for.total_seconds() // 60),
        )
    async with in_transaction():
        # Balance read, check and state change under the account's lock: a payment or a
        # withdrawal racing this confirmation waits, so no money is left in a closed account.
        locked = await locks.account(account.id)
        blockers, _ = await eligibility.blockers(rt, locked.id, ignoring=request.id)
        if blockers:
            await apply(rt, request, Event.REJECT, at=now)
            return Confirmed(request, blockers)
        held_for = await review.reasons(rt, locked, session)
        secret, receipt_hash = receipts.new(rt)
        if held_for:
            await apply(
                rt,
                request,
                Event.HOLD_FOR_REVIEW,
                at=now,
                confirmed_at=now,
                review_reasons=[r.value for r in held_for],
                receipt_hash=receipt_hash,
            )
        else:
            await apply(
                rt, request, Event.CONFIRM, at=now, confirmed_at=now, receipt_hash=receipt_hash
            )
        try:
            await ACCOUNT.move(locked, AccountEvent.FREEZE)
        except DomainError:
            raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE) from None
        await sessions.revoke_all(rt, account.id)
        assert locked.phone is not None
        sms = SmsPurpose.CLOSURE_UNDER_REVIEW if held_for else SmsPurpose.CLOSURE_CONFIRMED
        await outbox.enqueue(
            rt,
            account_id=account.id,
            to_phone=locked.phone,
            purpose=sms,
            at=now,
            text=message(f"SMS_{sms.value}", lang, phone=rt.rules.support_phone),
        )
    rt.wake_worker()
    return Confirmed(request, [], Receipt(secret, receipts.valid_until(rt, request, locked)))


async def cancel(rt: Runtime, account: Account, *, request_id: str) -> ClosureRequest:
    request = await _live(rt, account, request_id, Event.CANCEL)
    async with in_transaction():
        await apply(rt, request, Event.CANCEL, at=rt.clock.now())
    return request


async def timeline(request: ClosureRequest) -> list[ClosureStep]:
    return await ClosureStep.filter(request_id=request.id).order_by("id")
