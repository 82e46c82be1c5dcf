"""Bringing a CLOSING or CLOSED account back inside the recovery window (phone + captcha + SMS)."""

from tortoise.transactions import in_transaction

from models import AccountStatus, ClosureRequest, Purpose
from services import locks
from services.accounts import ACCOUNT, AccountEvent
from services.closure import receipts
from services.closure.machine import Event, State, apply
from services.errors import DomainError, ErrorCode
from services.identity import codes, sessions
from services.identity.auth import LoggedIn, prove_phone, send_code_to_phone
from services.messages import message
from services.notify import outbox
from services.notify.sms import SmsPurpose
from services.records import audit, certificates
from services.records.audit import LoginMethod
from services.runtime import Runtime

RESTORABLE = (AccountStatus.CLOSING, AccountStatus.CLOSED)


async def send_restore_code(
    rt: Runtime, *, phone: str, captcha_id: str, captcha_answer: str, lang: str
) -> int:
    return await send_code_to_phone(
        rt,
        phone=phone,
        captcha_id=captcha_id,
        captcha_answer=captcha_answer,
        lang=lang,
        purpose=Purpose.RESTORE,
        sms_purpose=SmsPurpose.RESTORE_CODE,
        text_key="SMS_RESTORE_CODE",
        deliver_to=lambda account: account.status in RESTORABLE,
    )


async def restore(rt: Runtime, *, phone: str, code: str, device_name: str, lang: str) -> LoggedIn:
    challenge, account = await prove_phone(rt, phone=phone, purpose=Purpose.RESTORE, code=code)
    phone_number = account.phone
    assert phone_number is not None  # proved by the code sent to it
    request = await (
        ClosureRequest.filter(
            account_id=account.id, state__in=[State.UNDER_REVIEW, State.CONFIRMED, State.COMPLETED]
        )
        .order_by("-created_at")
        .first()
    )
    if account.status not in RESTORABLE or request is None:
        raise DomainError(ErrorCode.INVALID_STATE, field="phone", state=account.status.value)
    now = rt.clock.now()
    if request.recoverable_until is not None and request.recoverable_until <= now:
        raise DomainError(ErrorCode.RECOVERY_WINDOW_PASSED, field="phone")
    async with in_transaction():
        locked = await locks.account(account.id)  # before the request and the audit chain
        await codes.consume(rt, challenge)
        await apply(rt, request, Event.RESTORE, at=now)
        await receipts.revoke(rt, request)
        await certificates.revoke(rt, request.id)
        try:
            await ACCOUNT.move(locked, AccountEvent.REOPEN, closed_at=None)
        except DomainError:
            raise DomainError(ErrorCode.INVALID_STATE, field="phone") from None
        account.status = AccountStatus.ACTIVE
        token = await sessions.open_session(rt, account, device_name)
        await audit.login_succeeded(rt, account_id=account.id, method=LoginMethod.SMS_CODE, at=now)
        await outbox.enqueue(
            rt,
            account_id=account.id,
            to_phone=phone_number,
            purpose=SmsPurpose.ACCOUNT_RESTORED,
            at=now,
            text=message("SMS_ACCOUNT_RESTORED", lang, phone=rt.rules.support_phone),
        )
    rt.wake_worker()
    return LoggedIn(token, account)
