"""Bearer-token sessions: 32 random bytes handed out once, only their HMAC kept."""

import secrets
from datetime import timedelta
from uuid import UUID

from models import Account, AccountStatus, Session
from services import validation
from services.crypto import keyed_hash
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
        account=account, token_hash=token_hash(rt, token), device_name=device_name,
        created_at=now, last_seen_at=now, expires_at=now + rt.rules.session_lifetime,
    )
    return token


async def authenticate(rt: Runtime, token: str) -> Session | None:
    """The live session of an active account that this token opened, else None."""
    if not token or len(token) > 128:
        return None
    now = rt.clock.now()
    session = await Session.get_or_none(
        token_hash=token_hash(rt, token), revoked_at__isnull=True, expires_at__gt=now,
    ).select_related("account")
    if session is None or session.account.status != AccountStatus.ACTIVE:
        return None
    if now - session.last_seen_at > LAST_SEEN_PRECISION:
        session.last_seen_at = now
        await Session.filter(id=session.id).update(last_seen_at=now)
    return session


async def from_authorization(rt: Runtime, header: str) -> Session | None:
    """The session of an `Authorization: Bearer <token>` header, else None."""
    scheme, _, token = header.partition(" ")
    return await authenticate(rt, token.strip()) if scheme.lower() == "bearer" else None


async def revoke(rt: Runtime, session: Session) -> bool:
    return bool(await Session.filter(id=session.id, revoked_at__isnull=True)
                .update(revoked_at=rt.clock.now()))


async def revoke_all(rt: Runtime, account_id: UUID) -> int:
    return await Session.filter(account_id=account_id, revoked_at__isnull=True).update(
        revoked_at=rt.clock.now())


async def live_sessions(rt: Runtime, account_id: UUID) -> list[Session]:
    return await Session.filter(account_id=account_id, revoked_at__isnull=True,
                                expires_at__gt=rt.clock.now()).order_by("-last_seen_at")
