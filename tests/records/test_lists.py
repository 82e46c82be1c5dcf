"""What the app lists and pages: the security log, the transactions, the balance in detail."""

from datetime import timedelta

from models import AuditEntry
from server import demo
from services.clock import FakeClock
from services.records import audit
from services.runtime import Runtime
from tests import factories
from tests.customer import Customer
from tests.helpers import GraphQL
from tests.operations import BALANCE_DETAIL, SECURITY_LOG_PAGE, TRANSACTIONS

PHONE = "+8613900000001"


async def logged_in(api: GraphQL, runtime: Runtime, **kwargs) -> Customer:
    await factories.account(runtime, **kwargs)
    person = Customer(api, PHONE, lang="en")
    await person.log_in()
    return person


async def every_page(person: Customer, document: str, first: int) -> list[dict]:
    """All pages, following endCursor until hasNextPage is false."""
    edges, after = [], None
    while True:
        page = await person.call(document, {"first": first, "after": after})
        edges += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["pageInfo"]["endCursor"] == (edges[-1]["cursor"] if edges else None)
            return edges
        after = page["pageInfo"]["endCursor"]


async def test_the_security_log_pages_past_250_entries_with_no_gap_or_repeat(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    # given an account with 260 entries in its security log (opened, logged in, 258 logins)
    person = await logged_in(api, runtime)
    account_id = (await person.me())["id"]
    for _ in range(258):
        clock.advance(timedelta(seconds=1))
        await audit.login_succeeded(
            runtime, account_id=account_id, method=audit.LoginMethod.SMS_CODE, at=clock.now()
        )

    # when the app pages through it 40 at a time
    edges = await every_page(person, SECURITY_LOG_PAGE, 40)

    # then it sees every entry once, newest first
    stored = await AuditEntry.filter(account_id=account_id).order_by("-seq")
    assert len(edges) == len(stored) == 260
    assert [e["node"]["at"] for e in edges] == [s.at.isoformat() for s in stored]
    assert edges[0]["node"] == {
        "at": clock.now().isoformat(),
        "action": "LOGIN_SUCCEEDED",
        "detail": "Logged in (SMS code)",
    }
    assert edges[-1]["node"]["action"] == "ACCOUNT_CREATED"
    assert len({e["cursor"] for e in edges}) == 260


async def test_a_cursor_stays_put_when_new_entries_arrive(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    person = await logged_in(api, runtime)
    first_page = await person.call(SECURITY_LOG_PAGE, {"first": 1})
    assert [e["node"]["action"] for e in first_page["edges"]] == ["LOGIN_SUCCEEDED"]

    # when another login lands before the app asks for the next page
    await person.log_in()
    second_page = await person.call(
        SECURITY_LOG_PAGE, {"first": 5, "after": first_page["pageInfo"]["endCursor"]}
    )

    # then the next page continues where the first ended
    assert [e["node"]["action"] for e in second_page["edges"]] == ["ACCOUNT_CREATED"]
    assert second_page["pageInfo"] == {
        "hasNextPage": False,
        "endCursor": second_page["edges"][0]["cursor"],
    }


async def test_bad_page_arguments_are_invalid_input_naming_the_argument(
    api: GraphQL, runtime: Runtime
) -> None:
    person = await logged_in(api, runtime)
    transactions_cursor = (await person.call(TRANSACTIONS, {"first": 1}))["pageInfo"]
    for variables, field in (
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"after": "not-a-cursor"}, "after"),
        ({"after": "c2VjcmV0OjE="}, "after"),
    ):
        body = await api.post(SECURITY_LOG_PAGE, variables, token=person.token, lang="en")
        assert body["data"] is None
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in body["errors"]] == [
            ("INVALID_INPUT", field)
        ], variables
    assert transactions_cursor == {"hasNextPage": False, "endCursor": None}


async def test_unauthenticated_lists_send_the_app_back_to_login(api: GraphQL) -> None:
    for document in (SECURITY_LOG_PAGE, TRANSACTIONS, BALANCE_DETAIL):
        body = await api.post(document)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_transactions_show_kind_status_and_signed_amounts(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    # given a top-up, a payment, and a withdrawal still on its way
    person = await logged_in(api, runtime, fen=10_000, card_last4="6789")
    clock.advance(timedelta(minutes=1))
    await factories.top_up_and_spend(runtime, PHONE, 2_500)
    clock.advance(timedelta(minutes=1))
    card_id = (await person.me())["bankCards"][0]["id"]
    withdrawal = (await person.withdraw(card_id, fen=3_000))["withdrawal"]

    # when
    edges = await every_page(person, TRANSACTIONS, 2)

    # then newest first, amounts signed as the wallet sees them
    nodes = [e["node"] for e in edges]
    assert [(n["kind"], n["status"], n["amount"], n["description"]) for n in nodes] == [
        (
            "WITHDRAWAL",
            "PENDING",
            {"fen": -3000, "display": "-¥30.00"},
            "Withdrawal to a bank card",
        ),
        ("PAYMENT", "SETTLED", {"fen": -2500, "display": "-¥25.00"}, "Payment"),
        ("TOP_UP", "SETTLED", {"fen": 2500, "display": "¥25.00"}, "Top-up"),
        ("TOP_UP", "SETTLED", {"fen": 10000, "display": "¥100.00"}, "Top-up"),
    ]
    assert nodes[0]["createdAt"] == clock.now().isoformat()
    assert len({n["id"] for n in nodes}) == 4
    assert withdrawal["status"] == "PENDING"


async def test_balance_detail_explains_a_pending_withdrawal(api: GraphQL, runtime: Runtime) -> None:
    # given demo account 13800000003: ¥50.00 settled, all of it in a pending withdrawal
    await demo.load(runtime)
    person = Customer(api, "+8613800000003")
    await person.log_in("Demo-pass-3")

    detail = await person.call(BALANCE_DETAIL)

    assert detail == {
        "id": detail["id"],
        "balance": {"fen": 0, "display": "¥0.00"},
        "settledBalance": {"fen": 5000, "display": "¥50.00"},
        "pendingWithdrawals": [
            {
                "id": detail["pendingWithdrawals"][0]["id"],
                "status": "PENDING",
                "amount": {"fen": 5000, "display": "¥50.00"},
            }
        ],
    }
