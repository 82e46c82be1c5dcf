"""Six-digit SMS one-time codes (短信验证码): issued, counted, compared and consumed carefully."""

import math
import secrets
from datetime import timedelta
from uuid import UUID

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from models import Challenge, ChallengeKind, FailedLogin, PasswordThrottle, Purpose
from services import validation
from services.crypto import keyed_hash, same
from services.database import lock_for_transaction
from services.errors import DomainError, ErrorCode
from services.runtime import Runtime

ZERO = timedelta(0)


def phone_key(rt: Runtime, e164: str) -> str:
    """Rate limits and throttles are kept per phone without keeping the number itself."""
    return keyed_hash(rt.secret, "phone", e164)


def _code_hash(rt: Runtime, challenge_purpose: Purpose, code: str) -> str:
    return keyed_hash(rt.secret, "code", challenge_purpose.value, code)


async def issue(rt: Runtime, *, key: str, purpose: Purpose, account_id: UUID | None) -> str:
    """A new code for this phone and purpose, or RATE_LIMITED with the seconds to wait.

    Issued whether or not the phone has an account, so the answer never tells; the caller
    sends it only to an account's phone. A newer code replaces the older ones.
    """
    now, rules = rt.clock.now(), rt.rules
    async with in_transaction() as connection:
        # Two sends racing for one phone must not both pass the resend check.
        await lock_for_transaction(connection, int(key[:15], 16))
        today = await (
            Challenge.filter(
                kind=ChallengeKind.SMS_CODE, phone_key=key, created_at__gt=now - timedelta(days=1)
            )
            .order_by("created_at")
            .values_list("created_at", "purpose")
        )
        same_purpose = [at for at, of in today if of == purpose]
        if same_purpose and (wait := same_purpose[-1] + rules.code_resend_after - now) > ZERO:
            raise DomainError(ErrorCode.RATE_LIMITED, seconds=math.ceil(wait.total_seconds()))
        if len(today) >= rules.codes_per_phone_per_day:
            wait = today[0][0] + timedelta(days=1) - now
            raise DomainError(ErrorCode.RATE_LIMITED, seconds=math.ceil(wait.total_seconds()))
        code = f"{secrets.randbelow(10**rules.code_length):0{rules.code_length}d}"
        await Challenge.filter(
            kind=ChallengeKind.SMS_CODE, phone_key=key, purpose=purpose, consumed_at__isnull=True
        ).update(consumed_at=now)
        await Challenge.create(
            kind=ChallengeKind.SMS_CODE,
            purpose=purpose,
            phone_key=key,
            account_id=account_id,
            answer_hash=_code_hash(rt, purpose, code),
            created_at=now,
            expires_at=now + rules.code_lifetime,
        )
    return code


async def check(rt: Runtime, *, key: str, purpose: Purpose, code: str) -> Challenge:
    """The live code this phone was sent, if `code` matches it; the attempt counts first."""
    code = validation.text(code, field="code", max_length=12)
    now = rt.clock.now()
    challenge = await (
        Challenge.filter(
            kind=ChallengeKind.SMS_CODE, phone_key=key, purpose=purpose, consumed_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    if challenge is None:
        raise DomainError(ErrorCode.CODE_INVALID, field="code")
    if challenge.expires_at <= now:
        raise DomainError(ErrorCode.CODE_EXPIRED, field="code")
    counted = await Challenge.filter(
        id=challenge.id,
        consumed_at__isnull=True,
        attempts__lt=rt.rules.code_max_attempts,
    ).update(attempts=F("attempts") + 1)
    if not counted:
        used_meanwhile = await Challenge.filter(id=challenge.id, consumed_at__isnull=False).exists()
        raise DomainError(
            ErrorCode.CODE_INVALID if used_meanwhile else ErrorCode.TOO_MANY_ATTEMPTS, field="code"
        )
    if not same(_code_hash(rt, purpose, code), challenge.answer_hash):
        last_try = challenge.attempts + 1 >= rt.rules.code_max_attempts
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS if last_try else ErrorCode.CODE_INVALID, field="code"
        )
    return challenge


async def consume(rt: Runtime, challenge: Challenge) -> None:
    """Mark the code used, inside the caller's transaction; of two racing uses one wins."""
    used = await Challenge.filter(id=challenge.id, consumed_at__isnull=True).update(
        consumed_at=rt.clock.now()
    )
    if not used:
        raise DomainError(ErrorCode.CODE_INVALID, field="code")


async def forget_old(rt: Runtime) -> int:
    """Captchas and codes nobody can use any more, once the daily SMS count no longer needs
    them; and password throttles whose window and lock are over."""
    now = rt.clock.now()
    day_ago = now - timedelta(days=1)
    forgotten = await Challenge.filter(created_at__lt=day_ago).delete()
    forgotten += await FailedLogin.filter(at__lt=now - rt.rules.review_window).delete()
    forgotten += await PasswordThrottle.filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now),
        window_started_at__lt=now - rt.rules.password_failure_window,
    ).delete()
    return forgotten
