"""Review before completion (spec §9): the rules that hold a confirmed closure for a
supervisor, declared once, each with its setting in `Rules`."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum

from models import Account, FailedLogin, Session, Withdrawal, WithdrawalStatus
from services.identity import codes
from services.runtime import Runtime


class ReviewReason(StrEnum):
    RECENT_FAILED_LOGINS = "RECENT_FAILED_LOGINS"
    NEW_DEVICE = "NEW_DEVICE"
    LARGE_RECENT_WITHDRAWAL = "LARGE_RECENT_WITHDRAWAL"


async def _recent_failed_logins(
    rt: Runtime, account: Account, session: Session, now: datetime
) -> bool:
    assert account.phone is not None
    failures = await FailedLogin.filter(
        phone_key=codes.phone_key(rt, account.phone), at__gt=now - rt.rules.review_window
    ).count()
    return failures >= rt.rules.review_failed_logins


async def _new_device(rt: Runtime, account: Account, session: Session, now: datetime) -> bool:
    """Confirmed from a session opened lately on a device the account never used before,
    while an older session on another device is still live."""
    if now - session.created_at >= rt.rules.review_new_device_age:
        return False
    seen_before = await Session.filter(
        account_id=account.id, device_name=session.device_name, created_at__lt=session.created_at
    ).exists()
    older_elsewhere = (
        await Session.filter(
            account_id=account.id,
            created_at__lt=session.created_at,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .exclude(device_name=session.device_name)
        .exists()
    )
    return not seen_before and older_elsewhere


async def _large_recent_withdrawal(
    rt: Runtime, account: Account, session: Session, now: datetime
) -> bool:
    withdrawn = await Withdrawal.filter(
        account_id=account.id, created_at__gt=now - rt.rules.review_window
    ).exclude(status=WithdrawalStatus.FAILED)
    total: int = sum(w.amount_fen for w in withdrawn)
    return total >= rt.rules.review_large_withdrawal_fen


RULES: dict[ReviewReason, Callable[[Runtime, Account, Session, datetime], Awaitable[bool]]] = {
    ReviewReason.RECENT_FAILED_LOGINS: _recent_failed_logins,
    ReviewReason.NEW_DEVICE: _new_device,
    ReviewReason.LARGE_RECENT_WITHDRAWAL: _large_recent_withdrawal,
}


async def reasons(rt: Runtime, account: Account, session: Session) -> list[ReviewReason]:
    """The rules this confirmation trips, in declaration order."""
    now = rt.clock.now()
    return [reason for reason, fires in RULES.items() if await fires(rt, account, session, now)]
