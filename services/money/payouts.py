"""The bank behind withdrawals: a simulated one, or a real one over signed webhooks."""

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

import httpx
from opentelemetry.trace import SpanKind
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import PayoutCallback, Withdrawal, WithdrawalStatus
from services import tracing
from services.crypto import same
from services.money import withdrawals
from services.runtime import Runtime

log = logging.getLogger("wallet.payouts")

# A callback signed longer ago than this (or this far in the future) is refused as stale.
SIGNATURE_TOLERANCE = timedelta(minutes=5)
BATCH = 100


@dataclass(frozen=True)
class PayoutOrder:
    withdrawal_id: UUID
    amount_fen: int
    card_id: UUID
    at: datetime


@dataclass(frozen=True)
class BankAnswer:
    withdrawal_id: UUID
    settled: bool
    reason: str | None = None


class PayoutGateway(Protocol):
    async def submit(self, order: PayoutOrder) -> None:
        """Hand the payout to the bank, or raise (the worker tries again)."""

    async def answers(self, rt: Runtime) -> list[BankAnswer]:
        """Answers that are in without a callback (the simulated bank's)."""


class SimulatedBank:
    """Settles every submitted withdrawal after a delay, except those it holds for review."""

    def __init__(self, settle_after: timedelta) -> None:
        self.settle_after = settle_after

    async def submit(self, order: PayoutOrder) -> None:
        log.info("simulated bank accepted %s for %d fen", order.withdrawal_id, order.amount_fen)

    async def answers(self, rt: Runtime) -> list[BankAnswer]:
        due = await Withdrawal.filter(
            status=WithdrawalStatus.PENDING,
            on_hold=False,
            submitted_at__lte=rt.clock.now() - self.settle_after,
        ).limit(BATCH)
        return [BankAnswer(w.id, settled=True) for w in due]


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookBank:
    """POSTs each payout, signed, to the bank; the bank answers at /payouts/callback."""

    def __init__(
        self,
        url: str,
        secret: bytes,
        *,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self.secret = secret
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def submit(self, order: PayoutOrder) -> None:
        body = json.dumps(
            {
                "withdrawalId": str(order.withdrawal_id),
                "amountFen": order.amount_fen,
                "cardId": str(order.card_id),
            }
        ).encode()
        timestamp = str(int(order.at.timestamp()))
        response = await self._client.post(
            self.url,
            content=body,
            headers={
                "content-type": "application/json",
                "x-wallet-timestamp": timestamp,
                "x-wallet-signature": sign(self.secret, timestamp, body),
            },
        )
        response.raise_for_status()

    async def answers(self, rt: Runtime) -> list[BankAnswer]:
        return []


async def run(rt: Runtime, gateway: PayoutGateway) -> int:
    """Submit new withdrawals to the bank, then apply the answers it has."""
    done = 0
    now = rt.clock.now()
    for withdrawal in await Withdrawal.filter(
        status=WithdrawalStatus.PENDING, submitted_at__isnull=True
    ).limit(BATCH):
        # Claimed with a compare-and-set, so that two workers submit it once.
        if not await Withdrawal.filter(id=withdrawal.id, submitted_at__isnull=True).update(
            submitted_at=now
        ):
            continue
        try:
            with tracing.span(
                "payout submit",
                kind=SpanKind.CLIENT,
                attributes={"wallet.withdrawal.id": str(withdrawal.id)},
            ):
                await gateway.submit(
                    PayoutOrder(withdrawal.id, withdrawal.amount_fen, withdrawal.card_id, now)
                )
        except Exception as error:  # the bank is unreachable: try again next pass
            log.warning("payout %s not submitted: %r", withdrawal.id, error)
            await Withdrawal.filter(id=withdrawal.id).update(submitted_at=None)
            continue
        done += 1
    for answer in await gateway.answers(rt):
        done += await withdrawals.end(
            rt, answer.withdrawal_id, settled=answer.settled, reason=answer.reason
        )
    return done


class CallbackRefused(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def handle_callback(
    rt: Runtime, secret: bytes, *, body: bytes, timestamp: str, signature: str
) -> None:
    """The bank's answer for one withdrawal; CallbackRefused unless signed, fresh and new."""
    try:
        signed_at = datetime.fromtimestamp(int(timestamp), tz=rt.clock.now().tzinfo)
    except (ValueError, OverflowError, OSError):
        raise CallbackRefused(401, "bad timestamp") from None
    if not same(sign(secret, timestamp, body), signature):
        raise CallbackRefused(401, "bad signature")
    if abs(rt.clock.now() - signed_at) > SIGNATURE_TOLERANCE:
        raise CallbackRefused(401, "stale signature")
    try:
        event = json.loads(body)
        event_id, status = str(event["eventId"]), event["status"]
        withdrawal_id = UUID(str(event["withdrawalId"]))
        reason = None if event.get("reason") is None else str(event["reason"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise CallbackRefused(400, "malformed body") from None
    if status not in ("SETTLED", "FAILED") or not 0 < len(event_id) <= 64:
        raise CallbackRefused(400, "malformed body")
    try:
        async with in_transaction():
            await PayoutCallback.create(
                event_id=event_id, withdrawal_id=withdrawal_id, received_at=rt.clock.now()
            )
            ended = await withdrawals.end(
                rt, withdrawal_id, settled=status == "SETTLED", reason=reason
            )
            if not ended:
                raise CallbackRefused(409, "withdrawal unknown or already ended")
    except IntegrityError:
        raise CallbackRefused(409, "replayed event") from None
