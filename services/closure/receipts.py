"""Closure receipts: confirming revokes every session, so the app keeps a receipt instead, a
secret shown once (only its HMAC kept) that follows that one request without a login."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from models import Account, ClosureRequest, DataExport
from services import throttle
from services.closure.machine import State
from services.crypto import keyed_hash
from services.runtime import Runtime

PREFIX = "rcpt_"
# Requests that lead on to closure: their receipt lasts until after the purge.
CLOSING = frozenset({State.UNDER_REVIEW, State.CONFIRMED, State.COMPLETED})


class ReceiptRefused(Exception):
    """Unknown, expired or revoked: the apps treat it like a token that no longer works."""


@dataclass(frozen=True)
class Receipt:
    secret: str
    valid_until: datetime


def _hash(rt: Runtime, secret: str) -> str:
    return keyed_hash(rt.secret, "closure-receipt", secret)


def new(rt: Runtime) -> tuple[str, str]:
    """(the secret to hand out, the hash to keep), for the confirming transaction."""
    secret = PREFIX + secrets.token_urlsafe(32)
    return secret, _hash(rt, secret)


def valid_until(rt: Runtime, request: ClosureRequest, account: Account) -> datetime:
    """90 days after the purge, or after the request ended without closing; while neither has
    happened yet, 90 days after the purge planned now (a legal hold moves it later)."""
    if request.ended_at is not None:
        end = request.ended_at
    elif account.purged_at is not None:
        end = account.purged_at
    else:
        end = request.recoverable_until or (
            (request.confirmed_at or rt.clock.now()) + rt.rules.recovery_window
        )
    return end + rt.rules.receipt_kept_for


async def open_request(rt: Runtime, secret: str, *, client: str) -> ClosureRequest:
    """The request a receipt follows; ReceiptRefused for one unknown, expired or revoked,
    RATE_LIMITED when this address reads too often (as with captchas)."""
    await throttle.per_minute(
        rt, "receipt-client", client, rt.rules.receipt_reads_per_client_per_minute
    )
    request = None
    if secret.startswith(PREFIX) and len(secret) <= 64:
        request = await ClosureRequest.get_or_none(
            receipt_hash=_hash(rt, secret), receipt_revoked_at__isnull=True
        )
    if request is None:
        raise ReceiptRefused
    account = await Account.get(id=request.account_id)
    still_open = request.ended_at is None and account.purged_at is None
    if not still_open and valid_until(rt, request, account) <= rt.clock.now():
        raise ReceiptRefused
    return request


async def data_export(request: ClosureRequest) -> DataExport | None:
    """The export the customer asked for last before confirming."""
    if request.confirmed_at is None:
        return None
    return await (
        DataExport.filter(account_id=request.account_id, created_at__lte=request.confirmed_at)
        .order_by("-created_at")
        .first()
    )


async def revoke(rt: Runtime, request: ClosureRequest) -> None:
    """A restore brings the logins back; the receipt goes."""
    await ClosureRequest.filter(id=request.id, receipt_revoked_at__isnull=True).update(
        receipt_revoked_at=rt.clock.now()
    )
