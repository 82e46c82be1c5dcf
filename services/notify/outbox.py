"""Notifications: written with the change they announce, delivered later by the worker."""

import logging
from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import F, Q

from models import OutboxMessage, OutboxStatus
from services.notify.sms import Sms, SmsPurpose, SmsSender
from services.runtime import Runtime

log = logging.getLogger("wallet.outbox")

CLAIM_LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8


async def enqueue(*, account_id: UUID | None, to_phone: str, purpose: SmsPurpose, text: str,
                  at: datetime, code: str | None = None) -> OutboxMessage:
    return await OutboxMessage.create(
        account_id=account_id, to_phone=to_phone, purpose=purpose.value, text=text, code=code,
        created_at=at, next_attempt_at=at,
    )


def _claimable(now: datetime) -> Q:
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return Q(status=OutboxStatus.PENDING) & unclaimed


async def deliver_due(rt: Runtime, sender: SmsSender, *, limit: int = 100) -> int:
    """Send what is due; returns how many were sent. Safe to run in several workers at once."""
    now = rt.clock.now()
    due = await (OutboxMessage.filter(_claimable(now), next_attempt_at__lte=now)
                 .order_by("id").limit(limit).values_list("id", flat=True))
    sent = 0
    for message_id in due:
        # Claiming is a compare-and-set: of two workers that saw the same row, one wins.
        if not await OutboxMessage.filter(_claimable(now), id=message_id).update(
                claimed_until=now + CLAIM_LEASE, attempts=F("attempts") + 1):
            continue
        message = await OutboxMessage.get(id=message_id)
        if message.to_phone is None:  # erased with its account: nobody left to tell
            await OutboxMessage.filter(id=message_id).update(status=OutboxStatus.FAILED,
                                                             last_error="no phone number")
            continue
        try:
            await sender.send(Sms(to=message.to_phone, purpose=message.purpose,
                                  text=message.text, code=message.code))
        except Exception as error:  # any gateway failure is retried later
            await _failed(rt, message, error)
            continue
        # Once delivered, neither the code nor the number is needed: not kept at rest.
        text = message.text.replace(message.code, "******") if message.code else message.text
        await OutboxMessage.filter(id=message_id).update(
            status=OutboxStatus.SENT, sent_at=rt.clock.now(), claimed_until=None, code=None,
            to_phone=None, text=text)
        sent += 1
    return sent


async def _failed(rt: Runtime, message: OutboxMessage, error: Exception) -> None:
    attempts = message.attempts
    log.warning("SMS %s failed (attempt %d): %r", message.id, attempts, error)
    gave_up = attempts >= MAX_ATTEMPTS
    await OutboxMessage.filter(id=message.id).update(
        status=OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING,
        claimed_until=None, last_error=repr(error)[:255],
        next_attempt_at=rt.clock.now() + timedelta(seconds=min(2**attempts, 300)),
    )
