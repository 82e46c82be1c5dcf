"""The support desk at /staff/graphql: staff logins, roles, reviews, offline refunds and
legal holds, through the staff contract's own documents."""

from datetime import timedelta

import httpx
import pytest

from models import (
    Account,
    AccountStatus,
    Book,
    ClosureReason,
    ClosureRequest,
    EntryStatus,
    LedgerEntry,
    MovementKind,
    OfflineRefund,
    RefundStatus,
    StaffAuditEntry,
    StaffRole,
)
from schema.staff.api import StaffMutation, StaffQuery
from server import demo
from server.app import create_app
from server.settings import Settings
from services.clock import FakeClock
from services.closure.machine import State
from services.money import ledger
from services.records import audit
from services.runtime import Runtime
from services.support import staff
from tests import factories
from tests.conftest import TEST_SECRET
from tests.customer import Customer, codes
from tests.desk import PASSWORDS, Desk, codes_of, desk, proposal
from tests.helpers import GraphQL
from tests.operations import STAFF_OPERATIONS

PHONE = "+8613900000001"
NO_CARD = "+8613800000004"


async def test_every_staff_field_but_login_names_the_roles_that_may_call_it() -> None:
    fields = [
        *StaffQuery.__strawberry_definition__.fields,
        *StaffMutation.__strawberry_definition__.fields,
    ]
    unguarded = [f.python_name for f in fields if not f.permission_classes]
    assert unguarded == ["staff_login"]


async def test_a_staff_login_needs_the_password_and_a_fresh_totp_code(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    user = await staff.add(
        runtime, username="wang", password=PASSWORDS[StaffRole.AGENT], role=StaffRole.AGENT
    )
    person = Desk(api, user)

    async def login(password: str, code: str) -> dict:
        return await person.call(
            "StaffLogin", {"input": {"username": "wang", "password": password, "totpCode": code}}
        )

    right = person.totp(runtime)
    wrong_code = await login(PASSWORDS[StaffRole.AGENT], "000000" if right != "000000" else "1")
    ok = await login(PASSWORDS[StaffRole.AGENT], right)
    replayed = await login(PASSWORDS[StaffRole.AGENT], right)

    # answered as a wrong password is: nothing tells that the password was right
    assert wrong_code["errors"] == (await login("Wrong-password", right))["errors"]
    assert [e["code"] for e in wrong_code["errors"]] == ["INVALID_CREDENTIALS"]
    assert ok["errors"] == [] and ok["staff"] == {
        "id": str(user.id),
        "username": "wang",
        "role": "AGENT",
    }
    assert [e["code"] for e in replayed["errors"]] == ["INVALID_CREDENTIALS"]  # a code works once
    person.token = ok["token"]
    assert await person.call("StaffMe") == ok["staff"]
    # a session lasts 12 hours
    clock.advance(timedelta(hours=12))
    assert codes_of(await person.post("StaffMe")) == ["UNAUTHENTICATED"]


async def test_five_wrong_logins_lock_a_staff_account_for_fifteen_minutes(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    user = await staff.add(
        runtime,
        username="lihua",
        password=PASSWORDS[StaffRole.SUPERVISOR],
        role=StaffRole.SUPERVISOR,
    )
    person = Desk(api, user)

    async def login(password: str) -> list[str]:
        clock.advance(timedelta(seconds=30))  # a new TOTP step each time
        answer = await person.call(
            "StaffLogin",
            {
                "input": {
                    "username": "lihua",
                    "password": password,
                    "totpCode": person.totp(runtime),
                }
            },
        )
        return [e["code"] for e in answer["errors"]]

    wrong = [await login("Wrong-password") for _ in range(5)]
    locked = await login(PASSWORDS[StaffRole.SUPERVISOR])
    clock.advance(timedelta(minutes=15))

    assert wrong == [["INVALID_CREDENTIALS"]] * 5
    assert locked == ["ACCOUNT_LOCKED"]
    assert await login(PASSWORDS[StaffRole.SUPERVISOR]) == []


async def test_unknown_usernames_lock_alike_and_a_lockout_stays_with_its_address(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    user = await staff.add(
        runtime,
        username="lihua",
        password=PASSWORDS[StaffRole.SUPERVISOR],
        role=StaffRole.SUPERVISOR,
    )
    person = Desk(api, user)

    async def login(username: str, password: str, address: str) -> list[dict]:
        clock.advance(timedelta(seconds=30))
        transport = httpx.ASGITransport(app=api.app, client=(address, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://wallet.test") as c:
            response = await c.post(
                "/staff/graphql",
                json={
                    "query": STAFF_OPERATIONS["StaffLogin"],
                    "variables": {
                        "input": {
                            "username": username,
                            "password": password,
                            "totpCode": person.totp(runtime),
                        }
                    },
                },
            )
        return response.json()["data"]["staffLogin"]["errors"]

    known = [await login("lihua", "Wrong-password", "127.0.0.2") for _ in range(6)]
    unknown = [await login("nobody", "Wrong-password", "127.0.0.2") for _ in range(6)]
    from_elsewhere = await login("lihua", PASSWORDS[StaffRole.SUPERVISOR], "127.0.0.3")
    over_long = await login("x" * 33, "Wrong-password", "127.0.0.2")

    assert known == unknown
    assert [[e["code"] for e in errors] for errors in known] == [["INVALID_CREDENTIALS"]] * 5 + [
        ["ACCOUNT_LOCKED"]
    ]
    assert from_elsewhere == []  # a stranger's guesses did not lock the user out
    assert [(e["code"], e["field"]) for e in over_long] == [("INVALID_INPUT", "username")]


async def test_tokens_do_not_cross_between_the_two_endpoints(
    api: GraphQL, runtime: Runtime
) -> None:
    await factories.account(runtime)
    customer = Customer(api, PHONE)
    await customer.log_in()
    agent = await desk(api, runtime, "agent", StaffRole.AGENT)

    as_customer = Desk(api, agent.user, customer.token)
    assert codes_of(await as_customer.post("StaffMe")) == ["UNAUTHENTICATED"]
    assert codes_of(await api.post("query { me { id } }", token=agent.token)) == ["UNAUTHENTICATED"]


async def test_staff_disable_ends_every_session(api: GraphQL, runtime: Runtime) -> None:
    agent = await desk(api, runtime, "agent", StaffRole.AGENT)

    assert await staff.disable(runtime, "agent")

    assert codes_of(await agent.post("StaffMe")) == ["UNAUTHENTICATED"]


# --- who may do what -------------------------------------------------------------------

ALLOWED = {
    "StaffLogout": {"AGENT", "SUPERVISOR", "AUDITOR"},
    "StaffMe": {"AGENT", "SUPERVISOR", "AUDITOR"},
    "FindCustomer": {"AGENT", "SUPERVISOR", "AUDITOR"},
    "Customer": {"AGENT", "SUPERVISOR", "AUDITOR"},
    "ReviewQueue": {"AGENT", "SUPERVISOR"},
    "RevealPhone": {"AGENT", "SUPERVISOR"},
    "ApproveClosure": {"SUPERVISOR"},
    "RejectClosure": {"SUPERVISOR"},
    "ProposeRefund": {"AGENT", "SUPERVISOR"},
    "ApproveRefund": {"SUPERVISOR"},
    "RejectRefund": {"SUPERVISOR"},
    "SetLegalHold": {"SUPERVISOR"},
    "StaffAuditLog": {"SUPERVISOR", "AUDITOR"},
}
ACTORS = ["AGENT", "SUPERVISOR", "AUDITOR", "CUSTOMER", "NOBODY"]


async def the_world(api: GraphQL, runtime: Runtime) -> dict[str, str]:
    """A customer with money and no card, a proposed refund, and another customer's closure
    held for review (that account CLOSING, as a hold leaves it)."""
    account = await factories.account(runtime, fen=1_000)
    held = await factories.account(runtime, "13900000003")
    await Account.filter(id=held.id).update(status=AccountStatus.CLOSING)
    now = runtime.clock.now()
    request = await ClosureRequest.create(
        account=held,
        state=State.UNDER_REVIEW,
        reason=ClosureReason.OTHER,
        idempotency_key="k",
        created_at=now,
        expires_at=now,
        confirmed_at=now,
        review_reasons=["NEW_DEVICE"],
    )
    maker = await staff.add(
        runtime, username="maker", password="Maker-pass-1", role=StaffRole.SUPERVISOR
    )
    refund = await OfflineRefund.create(
        account=account,
        status=RefundStatus.PROPOSED,
        amount_fen=1_000,
        payee_name="张三",
        payee_bank="中国银行",
        payee_account="6222020000001234",
        idempotency_key="r",
        proposed_by=maker,
        created_at=now,
    )
    other = await factories.account(runtime, "13900000002", fen=2_000)
    return {
        "customer": str(account.id),
        "request": str(request.id),
        "refund": str(refund.id),
        "other": str(other.id),
    }


def variables_for(operation: str, world: dict[str, str]) -> dict:
    return {
        "FindCustomer": {"phone": "13900000001"},
        "Customer": {"id": world["customer"]},
        "ReviewQueue": {"first": 10},
        "RevealPhone": {"input": {"customerId": world["customer"], "reason": "caller asked"}},
        "ApproveClosure": {"input": {"requestId": world["request"], "note": "checked"}},
        "RejectClosure": {"input": {"requestId": world["request"], "note": "checked"}},
        "ProposeRefund": {
            "input": {
                "customerId": world["other"],
                "payeeName": "李四",
                "payeeBank": "中国银行",
                "payeeAccount": "6222020000009999",
                "note": "",
                "idempotencyKey": "p-1",
            }
        },
        "ApproveRefund": {"input": {"refundId": world["refund"], "note": ""}},
        "RejectRefund": {"input": {"refundId": world["refund"], "note": ""}},
        "SetLegalHold": {
            "input": {"customerId": world["customer"], "hold": True, "reason": "court order"}
        },
        "StaffAuditLog": {"first": 5},
    }.get(operation, {})


async def what_can_change() -> tuple:
    return (
        await ClosureRequest.all().values_list("state", flat=True),
        await OfflineRefund.all().order_by("created_at").values_list("status", flat=True),
        await Account.all().values_list("legal_hold", flat=True),
        await LedgerEntry.all().count(),
        await StaffAuditEntry.all().count(),
    )


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("operation", sorted(ALLOWED))
async def test_role_sweep(api: GraphQL, runtime: Runtime, operation: str, actor: str) -> None:
    world = await the_world(api, runtime)
    if actor in ("AGENT", "SUPERVISOR", "AUDITOR"):
        caller = await desk(api, runtime, actor.lower(), StaffRole(actor))
    else:
        caller = Desk(
            api,
            await staff.add(
                runtime, username="someone", password="Someone-pass-1", role=StaffRole.AGENT
            ),
        )
        if actor == "CUSTOMER":
            customer = Customer(api, PHONE)
            await customer.log_in()
            caller.token = customer.token
    before = await what_can_change()

    body = await caller.post(operation, variables_for(operation, world))

    if actor in ALLOWED[operation]:
        assert "errors" not in body, body
        payload = next(iter(body["data"].values()))
        assert payload is not None
        assert not (payload.get("errors") if isinstance(payload, dict) else None), payload
    else:
        expected = (
            "FORBIDDEN" if actor in ("AGENT", "SUPERVISOR", "AUDITOR") else ("UNAUTHENTICATED")
        )
        assert codes_of(body) == [expected]
        assert not any((body["data"] or {}).values())  # null, or a nullable field's null
        assert await what_can_change() == before


async def test_the_phone_is_masked_and_revealing_it_needs_a_reason_and_is_logged(
    api: GraphQL, runtime: Runtime
) -> None:
    account = await factories.account(runtime)
    agent = await desk(api, runtime, "agent", StaffRole.AGENT)
    supervisor = await desk(api, runtime, "supervisor", StaffRole.SUPERVISOR)

    found = await agent.call("FindCustomer", {"phone": "13900000001"})
    no_reason = await agent.call(
        "RevealPhone", {"input": {"customerId": str(account.id), "reason": "  "}}
    )
    revealed = await agent.call(
        "RevealPhone", {"input": {"customerId": str(account.id), "reason": "caller verified"}}
    )
    log = await supervisor.call("StaffAuditLog", {"first": 10})

    assert found["phoneMasked"] == "139****0001"
    assert [e["code"] for e in no_reason["errors"]] == ["REASON_REQUIRED"]
    assert revealed == {"phone": PHONE, "errors": []}
    assert log["edges"][0]["node"] == {
        "action": "PHONE_REVEALED",
        "reason": "caller verified",
        "customerId": str(account.id),
        "at": runtime.clock.now().isoformat(),
        "staff": {"username": "agent", "role": "AGENT"},
    }
    assert [e["node"]["action"] for e in log["edges"]] == [
        "PHONE_REVEALED",
        "STAFF_LOGGED_IN",
        "STAFF_ADDED",
        "STAFF_LOGGED_IN",
        "STAFF_ADDED",
    ]
    assert (await audit.verify_chain(TEST_SECRET, chain=StaffAuditEntry)).breaks == []


async def test_an_edited_staff_audit_entry_is_found(api: GraphQL, runtime: Runtime) -> None:
    await desk(api, runtime, "agent", StaffRole.AGENT)
    entry = await StaffAuditEntry.get(seq=2)
    await StaffAuditEntry.filter(id=entry.id).update(data={**entry.data, "role": "SUPERVISOR"})

    found = await audit.verify_chain(TEST_SECRET, chain=StaffAuditEntry)

    assert [(b.seq, b.problem) for b in found.breaks] == [(2, "was changed after it was written")]


# --- offline refunds: maker-checker ----------------------------------------------------


async def test_the_refund_journey_ends_with_13800000004_closed(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    # given demo customer 13800000004: ¥36.20 and no card to withdraw it to
    await demo.load(runtime)
    person = Customer(api, NO_CARD, lang="en")
    await person.log_in("Demo-pass-4")
    assert [b["code"] for b in (await person.eligibility())["blockers"]] == [
        "BALANCE_NOT_ZERO",
        "NO_CARD_FOR_WITHDRAWAL",
    ]
    agent = await desk(api, runtime, "agent", StaffRole.AGENT)
    supervisor = await desk(api, runtime, "supervisor", StaffRole.SUPERVISOR)
    customer_id = (await agent.call("FindCustomer", {"phone": "13800000004"}))["id"]
    proposal = {
        "input": {
            "customerId": customer_id,
            "payeeName": "演示用户4",
            "payeeBank": "中国工商银行",
            "payeeAccount": "6222 0200 0000 5678",
            "note": "card expired",
            "idempotencyKey": "call-0815",
        }
    }

    # when an agent proposes (twice: the console retried) and a supervisor approves
    proposed = await agent.call("ProposeRefund", proposal)
    retried = await agent.call("ProposeRefund", proposal)
    approved = await supervisor.call(
        "ApproveRefund",
        {"input": {"refundId": proposed["refund"]["id"], "note": "payee matches the ID card"}},
    )

    # then the money left the wallet once, and the customer can close
    assert (
        proposed
        == retried
        == {
            "refund": {
                "id": proposed["refund"]["id"],
                "status": "PROPOSED",
                "amount": {"fen": 3620, "display": "¥36.20"},
            },
            "errors": [],
        }
    )
    assert approved == {
        "refund": {"id": proposed["refund"]["id"], "status": "APPROVED"},
        "errors": [],
    }
    view = await agent.call("Customer", {"id": customer_id})
    assert view["balance"] == {"fen": 0, "display": "¥0.00"}
    assert view["refunds"] == [
        {
            "id": proposed["refund"]["id"],
            "status": "APPROVED",
            "amount": {"fen": 3620, "display": "¥36.20"},
        }
    ]
    legs = await LedgerEntry.filter(kind="OFFLINE_REFUND").values_list("book", "amount_fen")
    assert sorted(legs) == [("OFFLINE_REFUND_CLEARING", 3620), ("WALLET", -3620)]
    assert (await person.eligibility())["canClose"] is True
    await person.close()
    await api.deliver()
    assert (await Account.get(id=customer_id)).status == AccountStatus.CLOSED
    shown = await supervisor.post("FindCustomer", {"phone": "13800000004"})
    assert shown["data"]["customer"]["status"] == "CLOSED"


async def test_nobody_approves_their_own_refund(api: GraphQL, runtime: Runtime) -> None:
    account = await factories.account(runtime, fen=5_00)
    first = await desk(api, runtime, "supervisor", StaffRole.SUPERVISOR)
    second = await desk(api, runtime, "supervisor2", StaffRole.SUPERVISOR)
    proposed = await first.call(
        "ProposeRefund",
        proposal(account.id),
    )
    refund_id = proposed["refund"]["id"]

    own = await first.call("ApproveRefund", {"input": {"refundId": refund_id, "note": ""}})
    rejected = await second.call(
        "RejectRefund", {"input": {"refundId": refund_id, "note": "wrong payee"}}
    )
    late = await second.call("ApproveRefund", {"input": {"refundId": refund_id, "note": ""}})

    assert [e["code"] for e in own["errors"]] == ["SELF_APPROVAL"]
    assert rejected["refund"]["status"] == "REJECTED"
    assert [e["code"] for e in late["errors"]] == ["INVALID_STATE"]
    assert await LedgerEntry.filter(kind="OFFLINE_REFUND").count() == 0
    refund = await OfflineRefund.get(id=refund_id)
    assert (refund.status, refund.decided_by_id) == (RefundStatus.REJECTED, second.user.id)


@pytest.mark.parametrize("change_fen", [5_00, -1_00])
async def test_a_refund_is_not_approved_at_a_stale_amount(
    api: GraphQL, runtime: Runtime, change_fen: int
) -> None:
    # given a proposal of the whole ¥36.20, then money arrives or leaves before the decision
    account = await factories.account(runtime, fen=36_20)
    agent = await desk(api, runtime, "agent", StaffRole.AGENT)
    supervisor = await desk(api, runtime, "supervisor", StaffRole.SUPERVISOR)
    proposed = await agent.call(
        "ProposeRefund",
        proposal(account.id),
    )
    kind = MovementKind.TOP_UP if change_fen > 0 else MovementKind.PAYMENT
    await ledger.move(
        account_id=account.id,
        kind=kind,
        from_book=Book.TOP_UP_CLEARING if change_fen > 0 else Book.WALLET,
        to_book=Book.WALLET if change_fen > 0 else Book.PAYOUT_CLEARING,
        fen=abs(change_fen),
        status=EntryStatus.SETTLED,
        at=runtime.clock.now(),
    )

    approved = await supervisor.call(
        "ApproveRefund", {"input": {"refundId": proposed["refund"]["id"], "note": ""}}
    )

    assert [(e["code"], e["field"]) for e in approved["errors"]] == [
        ("INSUFFICIENT_BALANCE", "refundId")
    ]
    assert approved["refund"] is None
    assert await LedgerEntry.filter(kind="OFFLINE_REFUND").count() == 0
    assert (await ledger.balance(account.id)).available_fen == 36_20 + change_fen
    assert (await OfflineRefund.get(id=proposed["refund"]["id"])).status == RefundStatus.PROPOSED


async def test_a_zero_balance_has_nothing_to_refund(api: GraphQL, runtime: Runtime) -> None:
    account = await factories.account(runtime)
    agent = await desk(api, runtime, "agent", StaffRole.AGENT)

    answer = await agent.call(
        "ProposeRefund",
        proposal(account.id),
    )

    assert [e["code"] for e in answer["errors"]] == ["NOTHING_TO_REFUND"]
    assert await OfflineRefund.all().count() == 0


# --- review before completion ----------------------------------------------------------


async def held_for_review(api: GraphQL, runtime: Runtime) -> tuple[Customer, str]:
    """Five wrong passwords, then the owner (or a thief) logs in and closes."""
    await factories.account(runtime)
    person = Customer(api, PHONE, lang="en")
    for _ in range(5):
        assert codes(await person.log_in("Wrong-pass-1")) == ["INVALID_CREDENTIALS"]
    await person.log_in()
    request_id = (await person.start())["request"]["id"]
    await person.send_code(request_id)
    await person.verify(request_id)
    confirmed = await person.confirm(request_id)
    assert confirmed["request"]["state"] == "UNDER_REVIEW", confirmed
    return person, request_id


async def test_a_review_holds_completion_until_a_supervisor_approves(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    _, request_id = await held_for_review(api, runtime)
    agent = await desk(api, runtime, "agent", StaffRole.AGENT)
    supervisor = await desk(api, runtime, "supervisor", StaffRole.SUPERVISOR)

    # the worker leaves it alone however long it waits
    clock.advance(timedelta(hours=2))
    await api.deliver()
    account = await Account.get(phone=PHONE)
    assert account.status == AccountStatus.CLOSING
    assert (await ClosureRequest.get(id=request_id)).state == State.UNDER_REVIEW
    assert [m["purpose"] for m in api.sent()][-1] == "CLOSURE_UNDER_REVIEW"
    queue = await agent.call("ReviewQueue", {"first": 10})
    assert [
        (e["node"]["id"], e["node"]["reviewReasons"], e["node"]["customer"]["phoneMasked"])
        for e in queue["edges"]
    ] == [(request_id, ["RECENT_FAILED_LOGINS"], "139****0001")]

    approved = await supervisor.call(
        "ApproveClosure",
        {"input": {"requestId": request_id, "note": "owner called from the registered phone"}},
    )
    await api.deliver()

    assert approved == {"request": {"id": request_id, "state": "CONFIRMED"}, "errors": []}
    assert (await ClosureRequest.get(id=request_id)).state == State.COMPLETED
    assert (await Account.get(id=account.id)).status == AccountStatus.CLOSED
    assert (await agent.call("ReviewQueue", {"first": 10}))["edges"] == []


async def test_a_rejected_review_leaves_the_account_active(api: GraphQL, runtime: Runtime) -> None:
    person, request_id = await held_for_review(api, runtime)
    supervisor = await desk(api, runtime, "supervisor", StaffRole.SUPERVISOR)

    rejected = await supervisor.call(
        "RejectClosure", {"input": {"requestId": request_id, "note": "not the owner"}}
    )
    await api.deliver()

    assert rejected == {"request": {"id": request_id, "state": "REJECTED"}, "errors": []}
    assert (await Account.get(phone=PHONE)).status == AccountStatus.ACTIVE
    assert [m["purpose"] for m in api.sent()][-1] == "CLOSURE_REJECTED"
    assert codes(await person.log_in()) == []  # sessions stayed revoked; a new login works
    view = await supervisor.call("FindCustomer", {"phone": "13900000001"})
    assert view["closureRequests"][0]["reviewReasons"] == ["RECENT_FAILED_LOGINS"]
    assert [s["state"] for s in view["closureRequests"][0]["timeline"]] == [
        "STARTED",
        "CODE_SENT",
        "VERIFIED",
        "UNDER_REVIEW",
        "REJECTED",
    ]


async def test_the_owner_can_restore_from_under_review(api: GraphQL, runtime: Runtime) -> None:
    person, request_id = await held_for_review(api, runtime)

    await person.send_restore_code()
    restored = await person.restore()

    assert restored["account"]["status"] == "ACTIVE"
    assert (await ClosureRequest.get(id=request_id)).state == State.RESTORED


# --- legal hold ------------------------------------------------------------------------


async def test_a_legal_hold_stops_the_purge_until_it_is_released(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime)
    person = Customer(api, PHONE)
    await person.log_in()
    await person.close()
    await api.deliver()
    account = await Account.get(phone=PHONE)
    supervisor = await desk(api, runtime, "supervisor", StaffRole.SUPERVISOR)
    held = await supervisor.call(
        "SetLegalHold",
        {"input": {"customerId": str(account.id), "hold": True, "reason": "court order 2026-17"}},
    )

    clock.advance(timedelta(days=16))
    await api.deliver()
    assert (await Account.get(id=account.id)).status == AccountStatus.CLOSED

    await supervisor.log_in(runtime)  # the morning's session ended after 12 hours
    released = await supervisor.call(
        "SetLegalHold",
        {"input": {"customerId": str(account.id), "hold": False, "reason": "case closed"}},
    )
    await api.deliver()

    assert held == {"customer": {"id": str(account.id), "legalHold": True}, "errors": []}
    assert released["customer"]["legalHold"] is False
    purged = await Account.get(id=account.id)
    assert (purged.status, purged.phone) == (AccountStatus.PURGED, None)


@pytest.mark.parametrize(
    ("env", "staff_api", "served"),
    [
        ("development", None, True),
        ("production", None, False),
        ("production", "on", True),
        ("development", "off", False),
    ],
)
async def test_wallet_staff_api_decides_whether_the_desk_is_served(
    orm: str, runtime: Runtime, env: str, staff_api: str | None, served: bool
) -> None:
    settings = Settings(
        env=env,
        database_url=orm,
        secret_key=TEST_SECRET.decode(),
        staff_api=staff_api,
        sms_backend="webhook",
        sms_webhook_url="http://sms.test/send",
    )
    app = create_app(settings, runtime, manage_orm=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wallet.test"
    ) as client:
        response = await client.post("/staff/graphql", json={"query": "{ staffMe { id } }"})

    assert (response.status_code == 404) is not served
    if served:
        assert codes_of(response.json()) == ["UNAUTHENTICATED"]


async def test_an_auditor_sees_a_pending_payee_masked_and_every_full_read_is_audited(
    api: GraphQL, runtime: Runtime
) -> None:
    account = await factories.account(runtime, fen=5_00)
    agent = await desk(api, runtime, "agent", StaffRole.AGENT)
    supervisor = await desk(api, runtime, "supervisor", StaffRole.SUPERVISOR)
    auditor = await desk(api, runtime, "auditor", StaffRole.AUDITOR)
    await agent.call(
        "ProposeRefund",
        proposal(account.id),
    )
    before = await StaffAuditEntry.filter(action="PAYEE_ACCOUNT_SHOWN").count()

    async def payee(person: Desk) -> str:
        response = await api.client.post(
            "/staff/graphql",
            headers={"Authorization": f"Bearer {person.token}"},
            json={
                "query": "query($id: ID!) { customerById(id: $id) { refunds { payeeAccount } } }",
                "variables": {"id": str(account.id)},
            },
        )
        (refund,) = response.json()["data"]["customerById"]["refunds"]
        return refund["payeeAccount"]

    by_auditor, by_supervisor = await payee(auditor), await payee(supervisor)
    without_payee = await supervisor.call("Customer", {"id": str(account.id)})

    assert (by_auditor, by_supervisor) == ("****1234", "6222020000001234")
    shown = await StaffAuditEntry.filter(action="PAYEE_ACCOUNT_SHOWN", seq__gt=0).order_by("seq")
    assert len(shown) - before == 1 and shown[-1].data["staff"] == str(supervisor.user.id)
    assert without_payee["refunds"][0]["status"] == "PROPOSED"  # not read, not audited
    assert await StaffAuditEntry.filter(action="PAYEE_ACCOUNT_SHOWN").count() - before == 1
