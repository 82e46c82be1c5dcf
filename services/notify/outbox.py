"""Notifications: written with the change they announce, delivered later by the worker.

Delivery is at least once (retried with capped backoff until the message's own deadline)
and, as the gateway sees it, at most once: every attempt carries the message's id as its
idempotency key. One-time codes go in their own lane, ahead of notices."""

import asyncio
import logging
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from opentelemetry.trace import SpanKind
from tortoise.expressions import F, Q

from models import OutboxMessage, OutboxStatus
from services import tracing
from services.errors import DomainError
from services.notify.sms import Sms, SmsPurpose, SmsSender
from services.runtime import Runtime
from services.statemachine import Edge, Machine

log = logging.getLogger("wallet.outbox")

CLAIM_LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(minutes=5)
CODE_PURPOSES = frozenset({SmsPurpose.LOGIN_CODE, SmsPurpose.CLOSURE_CODE, SmsPurpose.RESTORE_CODE})


class MessageEvent(StrEnum):
    DELIVER = "DELIVER"
    EXPIRE = "EXPIRE"
    NO_RECIPIENT = "NO_RECIPIENT"


MESSAGE = Machine[OutboxStatus, MessageEvent](
    name="outbox message",
    initial=OutboxStatus.PENDING,
    ended=frozenset({OutboxStatus.SENT, OutboxStatus.EXPIRED, OutboxStatus.FAILED}),
    transitions={
        (OutboxStatus.PENDING, MessageEvent.DELIVER): Edge(
            OutboxStatus.SENT, "the gateway took it"
        ),
        (OutboxStatus.PENDING, MessageEvent.EXPIRE): Edge(
            OutboxStatus.EXPIRED, "past its deadline"
        ),
        (OutboxStatus.PENDING, MessageEvent.NO_RECIPIENT): Edge(
            OutboxStatus.FAILED, "the number was erased"
        ),
    },
)


class Lane(StrEnum):
    CODES = "CODES"  # one-time codes: useless after their 5 minutes, so they go first
    NOTICES = "NOTICES"  # everything else: may wait for a backlog, never lost silently


async def enqueue(
    rt: Runtime,
    *,
    account_id: UUID | None,
    to_phone: str,
    purpose: SmsPurpose,
    text: str,
    at: datetime,
    code: str | None = None,
) -> OutboxMessage:
    lifetime = rt.rules.code_lifetime if purpose in CODE_PURPOSES else rt.rules.notice_deadline
    return await OutboxMessage.create(
        account_id=account_id,
        to_phone=to_phone,
        purpose=purpose.value,
        text=text,
        code=code,
        created_at=at,
        next_attempt_at=at,
        deadline_at=at + lifetime,
    )


def in_lane(lane: Lane | None) -> Q:
    codes = Q(purpose__in=[p.value for p in CODE_PURPOSES])
    return Q() if lane is None else codes if lane == Lane.CODES else ~codes


def _claimable(now: datetime) -> Q:
    unclaimed = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    live = Q(deadline_at__isnull=True) | Q(deadline_at__gt=now)
    return Q(status=OutboxStatus.PENDING) & unclaimed & live


async def expire_overdue(rt: Runtime, lane: Lane | None = None) -> int:
    """Messages past their deadline are not sent late: EXPIRED, and counted."""
    now = rt.clock.now()
    expired = await MESSAGE.move_all(
        OutboxMessage.filter(in_lane(lane), deadline_at__lte=now),
        MessageEvent.EXPIRE,
        code=None,
        claimed_until=None,
    )
    if expired:
        log.warning("%d SMS expired undelivered", expired)
    return expired


async def deliver_due(
    rt: Runtime,
    sender: SmsSender,
    *,
    lane: Lane | None = None,
    limit: int = 100,
    in_flight: int = 16,
) -> int:
    """Send what is due, `in_flight` at a time; returns how many were sent. One customer's
    messages leave in the order they were written (their confirmation before their
    completion notice); different customers' go out side by side. Safe to run in several
    workers at once: each message is claimed with a compare-and-set."""
    await expire_overdue(rt, lane)
    now = rt.clock.now()
    by_phone: dict[str | None, list[OutboxMessage]] = {}
    for message in await (
        OutboxMessage.filter(in_lane(lane), _claimable(now), next_attempt_at__lte=now)
        .order_by("id")
        .limit(limit)
    ):
        by_phone.setdefault(message.to_phone, []).append(message)
    slots = asyncio.Semaphore(in_flight)

    async def in_order(messages: list[OutboxMessage]) -> int:
        sent = 0
        for message in messages:
            async with slots:
                sent += await _deliver(rt, sender, message)
        return sent

    sent = sum(await asyncio.gather(*(in_order(queued) for queued in by_phone.values())))
    if sent:
        await _gateway_is_back(rt, lane, limit)
    return sent


async def _gateway_is_back(rt: Runtime, lane: Lane | None, limit: int) -> None:
    """A send went through: the messages still backing off from an outage (up to five
    minutes each) are due now, a batch at a time, instead of each waiting out its backoff."""
    now = rt.clock.now()
    waiting = await (
        OutboxMessage.filter(
            in_lane(lane), _claimable(now), attempts__gt=0, next_attempt_at__gt=now
        )
        .order_by("id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    if waiting:
        await OutboxMessage.filter(id__in=list(waiting), next_attempt_at__gt=now).update(
            next_attempt_at=now
        )


async def _deliver(rt: Runtime, sender: SmsSender, message: OutboxMessage) -> bool:
    now = rt.clock.now()
    # Claiming is a compare-and-set: of two workers that saw the same row, one wins. The row
    # is as it was read unless a purge erased its number since: then the claim fails, and the
    # next pass reads it again.
    if not await OutboxMessage.filter(
        _claimable(now), id=message.id, to_phone=message.to_phone
    ).update(claimed_until=now + CLAIM_LEASE, attempts=F("attempts") + 1):
        return False
    message.attempts += 1
    if message.to_phone is None:  # erased with its account: nobody left to tell
        await MESSAGE.move(message, MessageEvent.NO_RECIPIENT, last_error="no phone number")
        return False
    try:
        with tracing.span(
            "sms send",
            kind=SpanKind.CLIENT,
            attributes={"wallet.sms.id": str(message.id), "wallet.sms.purpose": message.purpose},
        ):
            await sender.send(
                Sms(
                    id=message.id,
                    to=message.to_phone,
                    purpose=message.purpose,
                    text=message.text,
                    code=message.code,
                )
            )
    except Exception as error:  # any gateway failure is retried later
        await _failed(rt, message, error)
        return False
    # Once delivered, neither the code nor the number is needed: not kept at rest.
    text = message.text.replace(message.code, "******") if message.code else message.text
    try:
        await MESSAGE.move(
            message,
            MessageEvent.DELIVER,
            sent_at=rt.clock.now(),
            claimed_until=None,
            code=None,
            to_phone=None,
            text=text,
        )
    except DomainError:  # it reached its deadline while the gateway was answering
        log.warning("SMS %s was sent as it expired", message.id)
    return True


async def _failed(rt: Runtime, message: OutboxMessage, error: Exception) -> None:
    log.warning(
        "SMS %s failed (attempt %d): %s", message.id, message.attempts, type(error).__name__
    )
    backoff = min(timedelta(seconds=2 ** min(message.attempts, 16)), MAX_BACKOFF)
    await OutboxMessage.filter(id=message.id).update(
        claimed_until=None, last_error=repr(error)[:255], next_attempt_at=rt.clock.now() + backoff
    )


async def overdue(limit: int = 100) -> list[OutboxMessage]:
    """Messages that expired undelivered, newest first: what `wallet-closure outbox` lists."""
    return await OutboxMessage.filter(status=OutboxStatus.EXPIRED).order_by("-id").limit(limit)
