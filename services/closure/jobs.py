"""What the worker does for closure: expire, complete, remind, purge. Each job re-checks
the state with a compare-and-set, so several workers never do one thing twice."""

import secrets
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from models import (
    Account,
    AccountStatus,
    AutoPayAgreement,
    BankCard,
    ClosureRequest,
    OutboxMessage,
    OutboxStatus,
    WalletBalance,
)
from services import locks
from services.accounts import ACCOUNT, AccountEvent
from services.closure.machine import EXPIRING, Event, State, apply
from services.errors import DomainError, ErrorCode
from services.messages import message
from services.notify import outbox
from services.notify.sms import SmsPurpose
from services.records import certificates, purge
from services.runtime import Runtime

CUSTOMER_TIME = ZoneInfo("Asia/Shanghai")
BATCH = 100


async def expire_due(rt: Runtime) -> int:
    due = await ClosureRequest.filter(
        state__in=list(EXPIRING), expires_at__lte=rt.clock.now()
    ).limit(BATCH)
    done = 0
    for request in due:
        try:
            async with in_transaction():
                await apply(rt, request, Event.EXPIRE, at=rt.clock.now())
            done += 1
        except DomainError:  # moved on meanwhile (cancelled, confirmed, another worker)
            continue
    return done


def last_day(recoverable_until: datetime) -> str:
    """The last day, in the customer's time zone, on which the account can be restored."""
    return (
        (recoverable_until - timedelta(microseconds=1)).astimezone(CUSTOMER_TIME).date().isoformat()
    )


async def complete_due(rt: Runtime) -> int:
    due = await ClosureRequest.filter(state=State.CONFIRMED).order_by("confirmed_at").limit(BATCH)
    # Workers that share the queue start at different places in the batch, so that one
    # seldom tries a request the other has just completed.
    start = secrets.randbelow(len(due)) if due else 0
    done = 0
    for request in due[start:] + due[:start]:
        try:
            await _complete(rt, request)
        except DomainError:  # another worker completed it, or it was restored meanwhile
            continue
        done += 1
    return done


async def _complete(rt: Runtime, request: ClosureRequest) -> None:
    now = rt.clock.now()
    window = rt.rules.recovery_window
    async with in_transaction():
        # Locks in the one order every transaction takes them: account, request, audit chain.
        # A worker passes over an account another worker holds instead of queueing behind it.
        account = await locks.account_unless_busy(request.account_id)
        if account is None or account.status != AccountStatus.CLOSING:  # held, or done
            raise DomainError(ErrorCode.INVALID_STATE)
        await ACCOUNT.move(account, AccountEvent.CLOSE, closed_at=now)
        # Unbound with the closure itself, so that no payout can start on a closed account.
        cards = await BankCard.filter(account_id=account.id, unbound_at__isnull=True).update(
            unbound_at=now
        )
        agreements = await AutoPayAgreement.filter(
            account_id=account.id, ended_at__isnull=True
        ).update(ended_at=now)
        balance = await WalletBalance.get_or_none(account_id=account.id)
        text = (
            message("SMS_CLOSURE_COMPLETED", account.locale, until=last_day(now + window))
            if window
            else message("SMS_CLOSURE_COMPLETED_FINAL", account.locale)
        )
        assert account.phone is not None
        await outbox.enqueue(
            rt,
            account_id=account.id,
            to_phone=account.phone,
            purpose=SmsPurpose.CLOSURE_COMPLETED,
            text=text,
            at=now,
        )
        # The claim, last: of two workers one moves the request, the other gets
        # INVALID_STATE; and the audit chain is held only for its entry and the commit.
        await apply(
            rt, request, Event.COMPLETE, at=now, completed_at=now, recoverable_until=now + window
        )
        await certificates.issue_closure(
            rt,
            certificates.Closure(
                request,
                balance_fen=balance.settled_fen if balance else 0,
                cards_unbound=cards,
                agreements_ended=agreements,
            ),
        )


async def remind_due(rt: Runtime) -> int:
    """RECOVERY_ENDING one day before the window ends, once (a window of a day or less has
    only the completion SMS)."""
    now = rt.clock.now()
    if rt.rules.recovery_window <= timedelta(days=1):
        return 0
    due = await ClosureRequest.filter(
        state=State.COMPLETED,
        recovery_notice_sent_at__isnull=True,
        recoverable_until__gt=now,
        recoverable_until__lte=now + timedelta(days=1),
    ).limit(BATCH)
    done = 0
    for request in due:
        async with in_transaction():
            claimed = await ClosureRequest.filter(
                id=request.id,
                state=State.COMPLETED,
                recovery_notice_sent_at__isnull=True,
            ).update(recovery_notice_sent_at=now)
            if not claimed:
                continue
            account = await Account.get(id=request.account_id)
            if account.status != AccountStatus.CLOSED or account.phone is None:
                continue
            assert request.recoverable_until is not None
            until = last_day(request.recoverable_until)
            await outbox.enqueue(
                rt,
                account_id=account.id,
                to_phone=account.phone,
                at=now,
                purpose=SmsPurpose.RECOVERY_ENDING,
                text=message("SMS_RECOVERY_ENDING", account.locale, until=until),
            )
            done += 1
    return done


async def purge_due(rt: Runtime) -> int:
    """Accounts past their window (at once with a window of 0 days), once the last SMS
    to their phone has gone out; none under a legal hold (released, it is purged here)."""
    due = {
        r.account_id
        for r in await ClosureRequest.filter(
            state=State.COMPLETED,
            recoverable_until__lte=rt.clock.now(),
            account__status=AccountStatus.CLOSED,
            account__legal_hold=False,
        )
        .limit(BATCH)
        .only("id", "account_id")
    }
    due -= {
        m.account_id
        for m in await OutboxMessage.filter(
            account_id__in=list(due), status=OutboxStatus.PENDING
        ).only("id", "account_id")
    }
    done = await purge.purge_accounts(rt, sorted(due))
    await purge.expire_financial_records(rt)
    return done


async def by_state() -> dict[str, int]:
    """How many closure requests are in each state."""
    rows = await ClosureRequest.annotate(n=Count("id")).group_by("state").values_list("state", "n")
    return {str(state): int(n) for state, n in rows}


async def completion_lag(rt: Runtime) -> float:
    """Seconds the oldest confirmed request has waited for completion (0: none waits)."""
    oldest = await (
        ClosureRequest.filter(state=State.CONFIRMED, confirmed_at__isnull=False)
        .order_by("confirmed_at")
        .first()
    )
    if oldest is None or oldest.confirmed_at is None:
        return 0.0
    return (rt.clock.now() - oldest.confirmed_at).total_seconds()
