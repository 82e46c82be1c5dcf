"""Bearer-token sessions: 32 random bytes handed out once, only their HMAC kept."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from models import Account, AccountStatus, Session
from services import validation
from services.crypto import keyed_hash
from services.database import fetch, read_time, read_uuid
from services.money.ledger import Balance
from services.runtime import Runtime

# last_seen_at is a hint for the customer, not a log: no write on every request.
LAST_SEEN_PRECISION = timedelta(minutes=1)


def token_hash(rt: Runtime, token: str) -> str:
    return keyed_hash(rt.secret, "session", token)


def device(name: str) -> str:
    return validation.text(name, field="deviceName", max_length=64, required=False)


async def open_session(rt: Runtime, account: Account, device_name: str) -> str:
    device_name = device(device_name)
    token = secrets.token_urlsafe(32)
    now = rt.clock.now()
    await Session.create(
        account=account,
        token_hash=token_hash(rt, token),
        device_name=device_name,
        created_at=now,
        last_seen_at=now,
        expires_at=now + rt.rules.session_lifetime,
    )
    return token


@dataclass(frozen=True)
class Caller:
    """Who sent a request: their live session and active account with its balance, read as
    one row of values. Mutations load the models they change (`account()`, `session()`)."""

    session_id: UUID
    account_id: UUID
    phone: str
    balance: Balance

    async def account(self) -> Account:
        return await Account.get(id=self.account_id)

    async def session(self) -> Session:
        return await Session.get(id=self.session_id).select_related("account")


# Every request runs it: hand-written, one round trip (models/ holds the tables).
CALLER = """
SELECT s.id, s.account_id, s.last_seen_at, a.phone,
       b.settled_fen, b.pending_out_fen
FROM session s
JOIN account a ON a.id = s.account_id
LEFT JOIN wallet_balance b ON b.account_id = s.account_id
WHERE s.token_hash = {} AND s.revoked_at IS NULL AND s.expires_at > {} AND a.status = {}
"""


async def authenticate(rt: Runtime, token: str) -> Caller | None:
    """The live session of an active account that this token opened, else None."""
    if not token or len(token) > 128:
        return None
    now = rt.clock.now()
    rows = await fetch(CALLER, token_hash(rt, token), now, AccountStatus.ACTIVE.value)
    if not rows:
        return None
    row = rows[0]
    caller = Caller(
        session_id=read_uuid(row["id"]),
        account_id=read_uuid(row["account_id"]),
        phone=row["phone"],
        balance=Balance(
            settled_fen=row["settled_fen"] or 0, pending_out_fen=row["pending_out_fen"] or 0
        ),
    )
    if now - read_time(row["last_seen_at"]) > LAST_SEEN_PRECISION:
        await Session.filter(id=caller.session_id).update(last_seen_at=now)
    return caller


async def from_authorization(rt: Runtime, header: str) -> Caller | None:
    """The session of an `Authorization: Bearer <token>` header, else None."""
    scheme, _, token = header.partition(" ")
    return await authenticate(rt, token.strip()) if scheme.lower() == "bearer" else None


async def revoke(rt: Runtime, session_id: UUID) -> bool:
    return bool(
        await Session.filter(id=session_id, revoked_at__isnull=True).update(
            revoked_at=rt.clock.now()
        )
    )


async def revoke_all(rt: Runtime, account_id: UUID) -> int:
    return await Session.filter(account_id=account_id, revoked_at__isnull=True).update(
        revoked_at=rt.clock.now()
    )
