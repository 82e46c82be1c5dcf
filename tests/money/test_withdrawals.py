"""Clearing the balance before closing: withdraw to a bound card, and never lose a fen."""

import asyncio
from datetime import timedelta

import pytest

from models import Account, AccountStatus, Withdrawal, WithdrawalStatus
from server import demo
from services.clock import FakeClock
from services.errors import DomainError, ErrorCode
from services.money import ledger, withdrawals
from services.runtime import Runtime
from tests import factories
from tests.customer import Customer, codes
from tests.helpers import GraphQL

DEMO = "+8613800000001"


async def test_the_demo_customer_withdraws_everything_then_closes(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    # given demo account 13800000001 with ¥128.50 and a card
    await demo.load(runtime)
    person = Customer(api, DEMO, lang="en")
    await person.log_in("Demo-pass-1")
    card_id = (await person.me())["bankCards"][0]["id"]

    # when it withdraws the whole balance, and the app retries the same request
    first = await person.withdraw(card_id, key="clear-balance")
    retry = await person.withdraw(card_id, key="clear-balance")

    # then both answers are the same withdrawal
    withdrawal = first["withdrawal"]
    assert (
        first
        == retry
        == {
            "withdrawal": {
                "id": withdrawal["id"],
                "status": "PENDING",
                "amount": {"fen": 12850, "display": "¥128.50"},
            },
            "errors": [],
        }
    )
    assert (await person.me())["balance"] == {"fen": 0, "currency": "CNY", "display": "¥0.00"}
    assert [b["code"] for b in (await person.eligibility())["blockers"]] == ["PENDING_TRANSACTIONS"]
    # the simulated bank settles it after WALLET_PAYOUT_SETTLE_SECONDS
    await api.deliver()
    clock.advance(timedelta(seconds=5))
    await api.deliver()
    assert (await Withdrawal.get(id=withdrawal["id"])).status == WithdrawalStatus.SETTLED
    assert (await person.eligibility())["canClose"] is True
    await person.close()
    await api.deliver()
    assert (await Account.get(phone=DEMO)).status == AccountStatus.CLOSED


async def test_the_held_demo_withdrawal_stays_pending(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await demo.load(runtime)
    clock.advance(timedelta(hours=1))
    await api.deliver()

    held = await Withdrawal.get(account__phone="+8613800000003")
    assert held.status == WithdrawalStatus.PENDING


async def test_part_of_the_balance_and_then_too_much(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime, "+8613900000001", fen=1000, card_last4="1111")
    person = Customer(api, "+8613900000001")
    await person.log_in()
    card_id = (await person.me())["bankCards"][0]["id"]

    part = await person.withdraw(card_id, key="a", fen=300)
    too_much = await person.withdraw(card_id, key="b", fen=701)
    nothing = await person.withdraw(card_id, key="c", fen=0)
    rest = await person.withdraw(card_id, key="d")
    empty = await person.withdraw(card_id, key="e")

    assert part["withdrawal"]["amount"]["fen"] == 300
    assert codes(too_much) == ["INSUFFICIENT_BALANCE"]
    assert codes(nothing) == ["INVALID_INPUT"]
    assert rest["withdrawal"]["amount"]["fen"] == 700
    assert codes(empty) == ["INSUFFICIENT_BALANCE"]
    assert await Withdrawal.all().count() == 2


async def test_another_customers_card_is_not_found(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime, "+8613900000001", fen=1000, card_last4="1111")
    await factories.account(runtime, "+8613900000002", fen=1000, card_last4="2222")
    alice, bob = Customer(api, "+8613900000001"), Customer(api, "+8613900000002")
    await alice.log_in()
    await bob.log_in()
    bobs_card = (await bob.me())["bankCards"][0]["id"]

    answer = await alice.withdraw(bobs_card)

    assert answer == {
        "withdrawal": None,
        "errors": [{"code": "NOT_FOUND", "message": "未找到。", "field": "cardId"}],
    }
    assert codes(await alice.withdraw("not-an-id")) == ["NOT_FOUND"]
    assert await Withdrawal.all().count() == 0


async def test_a_failed_withdrawal_returns_the_money(runtime: Runtime) -> None:
    account = await factories.account(runtime, fen=5000, card_last4="1111")
    card = await account.cards.all().first()
    assert card is not None
    withdrawal = await withdrawals.withdraw(
        runtime, account, card_id=str(card.id), fen=None, idempotency_key="k"
    )

    during = await ledger.balance(account.id)
    ended = await withdrawals.end(runtime, withdrawal.id, settled=False, reason="card closed")
    again = await withdrawals.end(runtime, withdrawal.id, settled=True)

    assert (during.settled_fen, during.available_fen) == (5000, 0)
    assert (ended, again) == (True, False)
    assert (await ledger.balance(account.id)).available_fen == 5000
    assert (await Withdrawal.get(id=withdrawal.id)).status == WithdrawalStatus.FAILED


async def test_a_closing_account_cannot_withdraw(runtime: Runtime) -> None:
    account = await factories.account(runtime, fen=5000, card_last4="1111")
    card = await account.cards.all().first()
    assert card is not None
    await Account.filter(id=account.id).update(status=AccountStatus.CLOSING)

    try:
        await withdrawals.withdraw(
            runtime, account, card_id=str(card.id), fen=None, idempotency_key="k"
        )
        refusal = None
    except DomainError as error:
        refusal = error.code

    assert refusal == ErrorCode.ACCOUNT_NOT_ACTIVE
    assert (await ledger.balance(account.id)).available_fen == 5000


@pytest.mark.postgres
async def test_retries_arriving_at_once_make_one_withdrawal(api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime, "+8613900000001", fen=1000, card_last4="1111")
    person = Customer(api, "+8613900000001")
    await person.log_in()
    card_id = (await person.me())["bankCards"][0]["id"]

    answers = await asyncio.gather(*(person.withdraw(card_id, key="tap-tap-tap") for _ in range(5)))

    assert len({a["withdrawal"]["id"] for a in answers}) == 1
    assert all(a["errors"] == [] for a in answers)
    assert await Withdrawal.all().count() == 1
    assert (await person.me())["balance"]["fen"] == 0
