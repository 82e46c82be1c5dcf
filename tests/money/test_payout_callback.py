"""The bank's answer arrives at /payouts/callback, signed with HMAC over timestamp and body."""

import json
from datetime import timedelta
from uuid import UUID

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from models import LedgerEntry, PayoutCallback, Withdrawal, WithdrawalStatus
from services.clock import FakeClock
from services.money import ledger, payouts, withdrawals
from services.money.payouts import WebhookBank, sign
from services.runtime import Runtime
from tests import factories
from tests.conftest import PAYOUT_SECRET
from tests.helpers import GraphQL


@pytest.fixture
async def withdrawal(runtime: Runtime) -> Withdrawal:
    account = await factories.account(runtime, fen=5000, card_last4="1111")
    card = await account.cards.all().first()
    assert card is not None
    return await withdrawals.withdraw(
        runtime, account, card_id=str(card.id), fen=2000, idempotency_key="k"
    )


def signed(
    clock: FakeClock, body: dict, *, secret: bytes = PAYOUT_SECRET, age: timedelta = timedelta(0)
) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    timestamp = str(int((clock.now() - age).timestamp()))
    return raw, {
        "content-type": "application/json",
        "x-wallet-timestamp": timestamp,
        "x-wallet-signature": sign(secret, timestamp, raw),
    }


async def callback(api: GraphQL, raw: bytes, headers: dict[str, str]) -> httpx.Response:
    return await api.client.post("/payouts/callback", content=raw, headers=headers)


def event(withdrawal: Withdrawal, status: str = "SETTLED", event_id: str = "evt-1") -> dict:
    return {"eventId": event_id, "withdrawalId": str(withdrawal.id), "status": status}


async def test_a_valid_callback_settles_the_withdrawal(
    api: GraphQL, clock: FakeClock, withdrawal: Withdrawal
) -> None:
    response = await callback(api, *signed(clock, event(withdrawal)))

    assert (response.status_code, response.json()) == (200, {"ok": True})
    stored = await Withdrawal.get(id=withdrawal.id)
    assert stored.status == WithdrawalStatus.SETTLED
    assert set(
        await LedgerEntry.filter(movement_id=withdrawal.movement_id).values_list(
            "status", flat=True
        )
    ) == {"SETTLED"}


async def test_a_failure_callback_returns_the_money(
    api: GraphQL, clock: FakeClock, withdrawal: Withdrawal
) -> None:
    response = await callback(
        api, *signed(clock, {**event(withdrawal, "FAILED"), "reason": "account closed at bank"})
    )

    assert response.status_code == 200
    stored = await Withdrawal.get(id=withdrawal.id)
    assert (stored.status, stored.failure_reason) == (
        WithdrawalStatus.FAILED,
        "account closed at bank",
    )
    assert (await ledger.balance(withdrawal.account_id)).available_fen == 5000


@pytest.mark.parametrize("forge", ["wrong key", "edited body", "no signature", "bad timestamp"])
async def test_a_forged_callback_is_refused(
    api: GraphQL, clock: FakeClock, withdrawal: Withdrawal, forge: str
) -> None:
    raw, headers = signed(clock, event(withdrawal), secret=b"guessed")
    if forge != "wrong key":
        raw, headers = signed(clock, event(withdrawal))
    if forge == "edited body":
        raw = raw.replace(b"SETTLED", b"FAILED ")
    if forge == "no signature":
        del headers["x-wallet-signature"]
    if forge == "bad timestamp":
        headers["x-wallet-timestamp"] = "yesterday"

    response = await callback(api, raw, headers)

    assert response.status_code == 401
    assert (await Withdrawal.get(id=withdrawal.id)).status == WithdrawalStatus.PENDING
    assert await PayoutCallback.all().count() == 0


async def test_a_stale_callback_is_refused(
    api: GraphQL, clock: FakeClock, withdrawal: Withdrawal
) -> None:
    response = await callback(
        api, *signed(clock, event(withdrawal), age=timedelta(minutes=5, seconds=1))
    )

    assert (response.status_code, response.json()) == (401, {"error": "stale signature"})
    assert (await Withdrawal.get(id=withdrawal.id)).status == WithdrawalStatus.PENDING


async def test_a_replayed_callback_is_refused(
    api: GraphQL, clock: FakeClock, withdrawal: Withdrawal
) -> None:
    raw, headers = signed(clock, event(withdrawal))
    first = await callback(api, raw, headers)

    replay = await callback(api, raw, headers)
    later_failure = await callback(api, *signed(clock, event(withdrawal, "FAILED", "evt-2")))

    assert (first.status_code, replay.status_code, later_failure.status_code) == (200, 409, 409)
    assert replay.json() == {"error": "replayed event"}
    assert (await Withdrawal.get(id=withdrawal.id)).status == WithdrawalStatus.SETTLED
    assert await PayoutCallback.all().count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"eventId": "e", "status": "MAYBE"},
        ["a list"],
        {"eventId": "", "status": "SETTLED"},
        {"eventId": "e", "status": "SETTLED", "withdrawalId": "not-a-uuid"},
    ],
)
async def test_a_malformed_body_is_refused(
    api: GraphQL, clock: FakeClock, withdrawal: Withdrawal, body: object
) -> None:
    if isinstance(body, dict):
        body = {"withdrawalId": str(withdrawal.id), **body}
    response = await callback(api, *signed(clock, body))  # type: ignore[arg-type]

    assert response.status_code == 400
    assert (await Withdrawal.get(id=withdrawal.id)).status == WithdrawalStatus.PENDING


async def test_odd_headers_and_reasons_get_a_clear_answer(
    api: GraphQL, clock: FakeClock, withdrawal: Withdrawal
) -> None:
    raw, headers = signed(clock, {**event(withdrawal, "FAILED"), "reason": 42})
    odd = {**headers, "x-wallet-signature": "é" * 64}

    refused = await api.client.post(
        "/payouts/callback", content=raw, headers={k: v.encode("latin-1") for k, v in odd.items()}
    )
    taken = await callback(api, raw, headers)

    assert (refused.status_code, taken.status_code) == (401, 200)
    assert (await Withdrawal.get(id=withdrawal.id)).failure_reason == "42"


class Bank:
    """A real HTTP bank endpoint, in-process, that checks our signature."""

    def __init__(self) -> None:
        self.orders: list[dict] = []
        self.app = Starlette(routes=[Route("/payouts", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> JSONResponse:
        body = await request.body()
        expected = sign(PAYOUT_SECRET, request.headers["x-wallet-timestamp"], body)
        if request.headers["x-wallet-signature"] != expected:
            return JSONResponse({"error": "bad signature"}, status_code=401)
        self.orders.append(json.loads(body))
        return JSONResponse({"accepted": True})


async def test_the_webhook_bank_gets_each_payout_once_signed(
    runtime: Runtime, withdrawal: Withdrawal
) -> None:
    bank = Bank()
    gateway = WebhookBank(
        "http://bank.test/payouts", PAYOUT_SECRET, transport=httpx.ASGITransport(app=bank.app)
    )

    await payouts.run(runtime, gateway)
    await payouts.run(runtime, gateway)

    assert bank.orders == [
        {"withdrawalId": str(withdrawal.id), "amountFen": 2000, "cardId": str(withdrawal.card_id)}
    ]
    stored = await Withdrawal.get(id=withdrawal.id)
    assert stored.submitted_at is not None and stored.status == WithdrawalStatus.PENDING
    assert UUID(bank.orders[0]["withdrawalId"]) == withdrawal.id
