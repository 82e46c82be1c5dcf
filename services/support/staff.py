"""Staff accounts (made on the command line), their TOTP second factor and 12-hour sessions."""

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from cryptography.fernet import Fernet
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import StaffRole, StaffSession, StaffUser
from services import throttle
from services.crypto import keyed_hash, vault
from services.errors import DomainError, StaffErrorCode
from services.records import staff_audit
from services.records.staff_audit import StaffAuditAction
from services.runtime import Runtime

USERNAME_MAX, PASSWORD_MAX = 32, 128
USERNAME = re.compile(r"[a-z][a-z0-9._-]{2,31}")
ISSUER = "wallet-closure"
TOTP_STEP_SECONDS = 30


def _vault(rt: Runtime) -> Fernet:
    return vault(rt.secret, "staff-totp-secrets")


def totp_secret(rt: Runtime, staff: StaffUser) -> str:
    return _vault(rt).decrypt(staff.totp_secret_encrypted.encode()).decode()


def provisioning_uri(rt: Runtime, staff: StaffUser) -> str:
    return pyotp.TOTP(totp_secret(rt, staff)).provisioning_uri(
        name=staff.username, issuer_name=ISSUER
    )


async def add(rt: Runtime, *, username: str, password: str, role: StaffRole) -> StaffUser:
    """A new staff account with a fresh TOTP secret; INVALID_INPUT for a bad or taken name."""
    if not USERNAME.fullmatch(username):
        raise DomainError(StaffErrorCode.INVALID_INPUT, field="username", max_length=32)
    if not 10 <= len(password) <= 128:
        raise DomainError(
            StaffErrorCode.INVALID_INPUT, field="password", message_key="STAFF_PASSWORD_RULE"
        )
    password_hash = await rt.passwords.hash(password)
    now = rt.clock.now()
    try:
        async with in_transaction():
            staff = await StaffUser.create(
                username=username,
                password_hash=password_hash,
                role=role,
                created_at=now,
                totp_secret_encrypted=_vault(rt).encrypt(pyotp.random_base32().encode()).decode(),
            )
            await staff_audit.record(
                rt,
                StaffAuditAction.STAFF_ADDED,
                staff=None,
                at=now,
                username=username,
                new_role=role.value,
            )
    except IntegrityError:
        raise DomainError(
            StaffErrorCode.INVALID_INPUT, field="username", message_key="STAFF_USERNAME_TAKEN"
        ) from None
    return staff


async def disable(rt: Runtime, username: str) -> bool:
    """Ends the account and every session of it; False if there is no such live account."""
    now = rt.clock.now()
    async with in_transaction():
        staff = await StaffUser.get_or_none(username=username, disabled_at__isnull=True)
        if staff is None:
            return False
        await StaffUser.filter(id=staff.id).update(disabled_at=now)
        await StaffSession.filter(staff_id=staff.id, revoked_at__isnull=True).update(revoked_at=now)
        await staff_audit.record(
            rt, StaffAuditAction.STAFF_DISABLED, staff=None, at=now, username=username
        )
    return True


@dataclass(frozen=True)
class StaffLoggedIn:
    token: str
    staff: StaffUser


def _matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The 30-second step whose code this is, one step of drift either way (RFC 6238)."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at)
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


async def log_in(
    rt: Runtime, *, username: str, password: str, totp_code: str, client: str = ""
) -> StaffLoggedIn:
    """Password and TOTP code. Attempts are counted per username and client address before
    anything is checked (so that logins at once cannot slip past the limit, and a stranger
    elsewhere cannot lock a staff user out); known and unknown usernames, a wrong password
    and a wrong or replayed code all answer alike, so that none confirms anything."""
    if len(username) > USERNAME_MAX:
        raise DomainError(StaffErrorCode.INVALID_INPUT, field="username", max_length=USERNAME_MAX)
    if len(password) > PASSWORD_MAX:
        raise DomainError(StaffErrorCode.INVALID_INPUT, field="password", max_length=PASSWORD_MAX)
    now, limit = rt.clock.now(), _login_limit(rt)
    key = keyed_hash(rt.secret, "staff-login", username.lower(), client)
    attempt = await throttle.reserve(rt, key, limit)
    staff = await StaffUser.get_or_none(username=username, disabled_at__isnull=True)
    # Verified against a dummy hash for an unknown name: same work, same answer.
    proved = await rt.passwords.verify(staff.password_hash if staff else None, password)
    step = (
        _matching_step(totp_secret(rt, staff), totp_code.strip()[:8], now)
        if (proved and staff)
        else None
    )
    # A code is taken once: the step must be newer than the last one used (compare-and-set).
    if (
        staff is None
        or step is None
        or not await StaffUser.filter(id=staff.id, last_totp_step__lt=step).update(
            last_totp_step=step
        )
    ):
        await throttle.failed(rt, attempt, limit)
        raise DomainError(
            StaffErrorCode.INVALID_CREDENTIALS,
            field="password",
            message_key="STAFF_INVALID_CREDENTIALS",
        )
    token = secrets.token_urlsafe(32)
    async with in_transaction():
        await throttle.clear(key)
        await StaffSession.create(
            staff=staff,
            token_hash=_token_hash(rt, token),
            created_at=now,
            expires_at=now + rt.rules.staff_session_lifetime,
        )
        await staff_audit.record(rt, StaffAuditAction.STAFF_LOGGED_IN, staff=staff, at=now)
    return StaffLoggedIn(token, staff)


def _login_limit(rt: Runtime) -> throttle.Limit:
    return throttle.Limit(
        rt.rules.staff_max_failures,
        rt.rules.staff_failure_window,
        rt.rules.staff_lockout,
        lambda left: DomainError(
            StaffErrorCode.ACCOUNT_LOCKED,
            message_key="STAFF_ACCOUNT_LOCKED",
            minutes=throttle.minutes(left),
        ),
    )


def _token_hash(rt: Runtime, token: str) -> str:
    # Its own label: a customer's token can never be a staff token, nor the reverse.
    return keyed_hash(rt.secret, "staff-session", token)


async def from_authorization(rt: Runtime, header: str) -> StaffSession | None:
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 128:
        return None
    return await StaffSession.get_or_none(
        token_hash=_token_hash(rt, token),
        revoked_at__isnull=True,
        expires_at__gt=rt.clock.now(),
        staff__disabled_at__isnull=True,
    ).select_related("staff")


async def log_out(rt: Runtime, session: StaffSession) -> bool:
    now = rt.clock.now()
    async with in_transaction():
        ended = await StaffSession.filter(id=session.id, revoked_at__isnull=True).update(
            revoked_at=now
        )
        if ended:
            await staff_audit.record(
                rt, StaffAuditAction.STAFF_LOGGED_OUT, staff=session.staff, at=now
            )
    return bool(ended)
