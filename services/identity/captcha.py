"""Image captchas (图形验证码): a PNG to show, only an HMAC of the answer kept."""

import base64
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from captcha.image import ImageCaptcha
from tortoise.transactions import in_transaction

from models import Challenge, ChallengeKind, Purpose
from services.crypto import keyed_hash, same
from services.database import lock_for_transaction
from services.errors import DomainError, ErrorCode
from services.runtime import Runtime

# No 0/O, 1/I/L: the answer is case-insensitive and must be readable.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_renderer = ImageCaptcha(width=160, height=60)
_render_lock = threading.Lock()


@dataclass(frozen=True)
class NewCaptcha:
    id: UUID
    image_data_url: str
    expires_at: datetime


def _answer_hash(rt: Runtime, answer: str) -> str:
    return keyed_hash(rt.secret, "captcha", answer.strip().upper())


def render_png(answer: str) -> bytes:
    with _render_lock:
        return _renderer.generate(answer, format="png").getvalue()


async def create(rt: Runtime, purpose: Purpose, *, client: str) -> NewCaptcha:
    """A new captcha, or RATE_LIMITED when this client asked for too many this minute
    (every one costs an image, and captchas are what stands between a bot and SMS)."""
    now = rt.clock.now()
    client_key = keyed_hash(rt.secret, "client", client)
    answer = "".join(secrets.choice(ALPHABET) for _ in range(rt.rules.captcha_length))
    async with in_transaction() as connection:
        # Count and create under the client's lock: N requests at once count N.
        await lock_for_transaction(connection, int(client_key[:15], 16))
        recent = await Challenge.filter(
            kind=ChallengeKind.CAPTCHA,
            client_key=client_key,
            created_at__gt=now - timedelta(minutes=1),
        ).count()
        if recent >= rt.rules.captchas_per_client_per_minute:
            raise DomainError(ErrorCode.RATE_LIMITED, seconds=60)
        challenge = await Challenge.create(
            kind=ChallengeKind.CAPTCHA,
            purpose=purpose,
            answer_hash=_answer_hash(rt, answer),
            client_key=client_key,
            created_at=now,
            expires_at=now + rt.rules.captcha_lifetime,
        )
    data_url = "data:image/png;base64," + base64.b64encode(render_png(answer)).decode()
    return NewCaptcha(challenge.id, data_url, challenge.expires_at)


async def solve(rt: Runtime, purpose: Purpose, captcha_id: str, answer: str) -> None:
    """Use up the captcha; CAPTCHA_INVALID unless it is unused, current and answered right."""
    try:
        challenge_id = UUID(captcha_id)
    except ValueError:
        raise DomainError(ErrorCode.CAPTCHA_INVALID, field="captchaId") from None
    now = rt.clock.now()
    # Used up whatever the answer: one guess per image.
    used = await Challenge.filter(
        id=challenge_id,
        kind=ChallengeKind.CAPTCHA,
        purpose=purpose,
        consumed_at__isnull=True,
        expires_at__gt=now,
    ).update(consumed_at=now)
    if not used:
        raise DomainError(ErrorCode.CAPTCHA_INVALID, field="captchaId")
    if len(answer) > 16:
        raise DomainError(ErrorCode.CAPTCHA_INVALID, field="captchaAnswer")
    test_answer = rt.captcha_test_answer
    if test_answer and answer.strip().upper() == test_answer.strip().upper():
        return
    challenge = await Challenge.get(id=challenge_id)
    if not same(_answer_hash(rt, answer), challenge.answer_hash):
        raise DomainError(ErrorCode.CAPTCHA_INVALID, field="captchaAnswer")
