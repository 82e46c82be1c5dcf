"""Whole journeys over HTTP, as the app sends the contract operations."""

import asyncio
import os
import sys
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from tortoise import connections

from models import (
    Account,
    AccountStatus,
    AutoPayAgreement,
    BankCard,
    ClosureRequest,
    LedgerEntry,
    Session,
)
from services.clock import FakeClock
from services.identity import accounts
from services.notify import outbox
from services.records import audit, purge
from services.runtime import Runtime
from tests import factories
from tests.conftest import TEST_SECRET
from tests.customer import Customer, codes
from tests.helpers import GraphQL, unauthenticated
from tests.operations import ME

PHONE = "+8613900000001"


async def customer(api: GraphQL, runtime: Runtime, **account: object) -> Customer:
    await factories.account(runtime, PHONE, **account)  # type: ignore[arg-type]
    person = Customer(api, PHONE, lang="en")
    await person.log_in()
    return person


READ_FILES = "import sys; [sys.stdout.buffer.write(open(f, 'rb').read()) for f in sys.argv[1:]]"


async def test_a_zero_balance_account_is_closed_then_restored(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    # given a customer with a card and an auto-pay agreement but no money
    person = await customer(api, runtime, card_last4="4321", auto_pay=True)
    old_token = person.token

    # when they go through the five steps
    eligibility = await person.eligibility()
    started = await person.start()
    request_id = started["request"]["id"]
    sent = await person.send_code(request_id)
    verified = await person.verify(request_id)
    confirmed = await person.confirm(request_id)

    # then
    assert eligibility["canClose"] is True and eligibility["blockers"] == []
    assert [w["code"] for w in eligibility["warnings"]] == [
        "HISTORY_DELETED",
        "CARDS_UNBOUND",
        "AUTO_PAY_ENDED",
        "OTHER_POSTAL_SERVICES_UNAFFECTED",
        "RECOVERY_WINDOW",
        "SECURE_NETWORK",
        "SUPPORT_CONTACT",
    ]
    messages = {w["code"]: w["message"] for w in eligibility["warnings"]}
    assert "中国邮政储蓄银行 ****4321" in messages["CARDS_UNBOUND"]
    assert "水费代扣" in messages["AUTO_PAY_ENDED"]
    assert "15 days" in messages["RECOVERY_WINDOW"]
    assert "11185" in messages["SUPPORT_CONTACT"]
    assert started == {
        "request": {
            "id": request_id,
            "state": "STARTED",
            "expiresAt": (clock.now() + timedelta(minutes=30)).isoformat(),
        },
        "blockers": [],
        "errors": [],
    }
    assert sent == {
        "request": {"id": request_id, "state": "CODE_SENT"},
        "resendAfterSeconds": 60,
        "errors": [],
    }
    assert verified["request"] == {"id": request_id, "state": "VERIFIED"}
    assert [w["code"] for w in verified["warnings"]] == [w["code"] for w in eligibility["warnings"]]
    assert confirmed == {
        "request": {"id": request_id, "state": "CONFIRMED", "confirmedAt": clock.now().isoformat()},
        "errors": [],
    }

    # every login is gone at once, and the account is frozen
    assert unauthenticated(await api.post(ME, token=old_token))
    assert codes(await person.log_in()) == ["ACCOUNT_NOT_ACTIVE"]
    account = await Account.get(phone=PHONE)
    assert account.status == AccountStatus.CLOSING

    # within minutes the worker completes it
    clock.advance(timedelta(seconds=5))
    await api.deliver()
    await account.refresh_from_db()
    assert account.status == AccountStatus.CLOSED
    assert await BankCard.filter(account_id=account.id, unbound_at__isnull=True).count() == 0
    assert await AutoPayAgreement.filter(account_id=account.id, ended_at__isnull=True).count() == 0
    sms = [(m["purpose"], m["text"]) for m in api.sent() if m["to"] == PHONE]
    assert [p for p, _ in sms] == ["CLOSURE_CODE", "CLOSURE_CONFIRMED", "CLOSURE_COMPLETED"]
    assert "until 2026-01-20" in sms[-1][1]
    assert codes(await person.log_in()) == ["ACCOUNT_NOT_ACTIVE"]

    # and the customer restores it inside the window
    clock.advance(timedelta(days=10))
    assert await person.send_restore_code() == {"resendAfterSeconds": 60, "errors": []}
    restored = await person.restore()
    assert restored["account"] == {"id": str(account.id), "status": "ACTIVE"}
    assert restored["errors"] == []
    me = await api.data(ME, token=restored["token"])
    assert me["me"]["status"] == "ACTIVE"
    assert (await person.request(request_id))["state"] == "RESTORED"
    assert [m["purpose"] for m in await api.deliver()][-2:] == ["RESTORE_CODE", "ACCOUNT_RESTORED"]
    history = await person.request(request_id)
    assert [s["state"] for s in history["timeline"]] == [
        "STARTED",
        "CODE_SENT",
        "VERIFIED",
        "CONFIRMED",
        "COMPLETED",
        "RESTORED",
    ]
    assert (await audit.verify_chain(TEST_SECRET)).breaks == []


async def test_with_no_recovery_window_the_account_is_purged_at_completion(
    api: GraphQL, runtime: Runtime, clock: FakeClock, orm: str
) -> None:
    runtime.rules = replace(runtime.rules, recovery_window=timedelta(0))
    person = await customer(api, runtime, card_last4="4321")
    await factories.top_up_and_spend(runtime, PHONE, 500)
    eligibility = await person.eligibility()
    account_id = (await Account.get(phone=PHONE)).id

    await person.close()
    await api.deliver()

    account = await Account.get(id=account_id)
    assert (account.status, account.phone, account.display_name, account.password_hash) == (
        AccountStatus.PURGED,
        None,
        "",
        None,
    )
    assert [c.last4 for c in await BankCard.filter(account_id=account_id)] == [""]
    assert {s.device_name for s in await Session.filter(account_id=account_id)} == {""}
    assert await LedgerEntry.filter(account_id=account_id).count() == 4  # kept, pseudonymised
    assert (
        "cannot be restored"
        in {w["code"]: w["message"] for w in eligibility["warnings"]}["RECOVERY_WINDOW"]
    )
    assert [m["purpose"] for m in api.sent()][-1] == "CLOSURE_COMPLETED"
    if orm.startswith("sqlite://"):  # not even in the database files
        database = Path(orm.removeprefix("sqlite://"))
        files = sorted(str(p) for p in database.parent.glob(database.name + "*"))
        # Read by another process: closing a file descriptor of the database in this one
        # would drop SQLite's POSIX locks on it (a later process would then take itself for
        # the last connection and delete the write-ahead log under ours).
        reader = await asyncio.create_subprocess_exec(
            sys.executable, "-c", READ_FILES, *files, stdout=asyncio.subprocess.PIPE
        )
        raw, _ = await reader.communicate()
        assert b"13900000001" not in raw
    # a purged account cannot be restored, and its phone is free again
    clock.advance(timedelta(minutes=2))
    assert await person.send_restore_code() == {"resendAfterSeconds": 60, "errors": []}
    assert [m["purpose"] for m in await api.deliver()][-1] == "CLOSURE_COMPLETED"
    assert codes(await person.restore("000000")) == ["CODE_INVALID"]
    again = await accounts.open_account(
        runtime, phone=PHONE, password="New-pass-1", display_name="新用户"
    )
    assert again.id != account_id
    assert (await audit.verify_chain(TEST_SECRET)).breaks == []


async def test_a_request_can_be_cancelled_before_confirming(api: GraphQL, runtime: Runtime) -> None:
    person = await customer(api, runtime)
    request_id = (await person.start())["request"]["id"]
    await person.send_code(request_id)

    cancelled = await person.cancel(request_id)

    assert cancelled == {"request": {"id": request_id, "state": "CANCELLED"}, "errors": []}
    assert (await person.eligibility())["openRequest"] is None
    assert codes(await person.verify(request_id)) == ["INVALID_STATE"]
    assert (await person.start("key-2"))["request"]["state"] == "STARTED"


async def test_an_unconfirmed_request_expires_after_thirty_minutes(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    person = await customer(api, runtime)
    first = (await person.start("key-1"))["request"]["id"]
    clock.advance(timedelta(minutes=30))
    await api.deliver()
    second = (await person.start("key-2"))["request"]["id"]
    await person.send_code(second)
    code = await api.last_code(person.phone, "CLOSURE_CODE")  # delivered at once
    clock.advance(timedelta(minutes=30))

    late = await person.verify(second, code)

    assert (await person.request(first))["state"] == "EXPIRED"
    assert codes(late) == ["INVALID_STATE"]
    assert (await person.request(second))["state"] == "EXPIRED"
    assert await ClosureRequest.filter(state="EXPIRED").count() == 2


async def test_money_in_the_wallet_blocks_closure(api: GraphQL, runtime: Runtime) -> None:
    person = await customer(api, runtime, fen=12_850, card_last4="6789")

    eligibility = await person.eligibility()
    started = await person.start()

    assert eligibility["canClose"] is False
    assert eligibility["blockers"] == [
        {
            "code": "BALANCE_NOT_ZERO",
            "message": "Your balance of ¥128.50 is not zero: withdraw it to a bound bank card or "
            "spend it first.",
        }
    ]
    assert started["request"] is None
    assert started["blockers"] == eligibility["blockers"]
    assert codes(started) == ["NOT_ELIGIBLE"]
    assert await ClosureRequest.all().count() == 0


async def test_money_without_a_card_also_needs_a_card(api: GraphQL, runtime: Runtime) -> None:
    person = await customer(api, runtime, fen=100)

    blockers = (await person.eligibility())["blockers"]

    assert [b["code"] for b in blockers] == ["BALANCE_NOT_ZERO", "NO_CARD_FOR_WITHDRAWAL"]
    assert "11185" in blockers[1]["message"]


async def test_money_arriving_before_confirmation_rejects_the_request(
    api: GraphQL, runtime: Runtime
) -> None:
    person = await customer(api, runtime, card_last4="6789")
    request_id = (await person.start())["request"]["id"]
    await person.send_code(request_id)
    await person.verify(request_id)
    await factories.top_up(runtime, PHONE, 1)

    confirmed = await person.confirm(request_id)

    assert confirmed["request"] == {"id": request_id, "state": "REJECTED", "confirmedAt": None}
    assert codes(confirmed) == ["NOT_ELIGIBLE"]
    assert (await Account.get(phone=PHONE)).status == AccountStatus.ACTIVE
    assert (await api.data(ME, token=person.token))["me"]["status"] == "ACTIVE"


async def test_the_recovery_window_end_is_announced_then_enforced(
    api: GraphQL, runtime: Runtime, clock: FakeClock
) -> None:
    person = await customer(api, runtime)
    await person.close()
    await api.deliver()

    clock.advance(timedelta(days=14) - timedelta(minutes=1))
    await api.deliver()
    clock.advance(timedelta(minutes=2))
    await api.deliver()
    await api.deliver()
    reminders = [m for m in api.sent() if m["purpose"] == "RECOVERY_ENDING"]
    clock.advance(timedelta(days=1))
    await person.send_restore_code()
    await outbox.deliver_due(runtime, api.sms)  # the SMS only: the purge has not run yet
    late = await person.restore(api.sent()[-1]["code"])

    assert len(reminders) == 1 and "2026-01-20" in reminders[0]["text"]
    assert codes(late) == ["RECOVERY_WINDOW_PASSED"]
    await api.deliver()
    assert (await Account.get(display_name="")).status == AccountStatus.PURGED


@pytest.mark.parametrize("legal_hold", [False, True])
async def test_financial_records_outlive_the_purge_for_ten_years(
    api: GraphQL, runtime: Runtime, clock: FakeClock, legal_hold: bool
) -> None:
    runtime.rules = replace(runtime.rules, recovery_window=timedelta(0))
    person = await customer(api, runtime)
    await factories.top_up_and_spend(runtime, PHONE, 500)
    account_id = (await Account.get(phone=PHONE)).id
    await person.close()
    await api.deliver()
    await Account.filter(id=account_id).update(legal_hold=legal_hold)

    clock.advance(timedelta(days=3652))
    await api.deliver()
    kept_within = await LedgerEntry.filter(account_id=account_id).count()
    clock.advance(timedelta(days=2))
    await api.deliver()

    assert kept_within == 4
    assert await LedgerEntry.filter(account_id=account_id).count() == (4 if legal_hold else 0)
    assert (await audit.verify_chain(TEST_SECRET)).breaks == []


@pytest.mark.postgres
async def test_a_purge_leaves_no_phone_number_in_the_postgresql_files(
    api: GraphQL, runtime: Runtime
) -> None:
    # given a customer closed with no recovery window, whose SMS went out
    runtime.rules = replace(runtime.rules, recovery_window=timedelta(0))
    person = await customer(api, runtime, card_last4="4321")
    await person.close()

    # when the worker completes and purges it, and the operator runs `wallet-closure scrub`
    await api.deliver()
    await purge.rewrite_personal_data_tables()

    # then, once PostgreSQL has written its pages, no table or index file holds the number
    connection = connections.get("default")
    _, rows = await connection.execute_query("SHOW data_directory")
    data_directory = Path(rows[0]["data_directory"])
    if not os.access(data_directory, os.R_OK):
        pytest.skip("the PostgreSQL data directory is not readable from here")
    await connection.execute_script("CHECKPOINT")
    _, files = await connection.execute_query(
        "SELECT c.relname AS name, pg_relation_filepath(c.oid) AS path FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', 't')"
    )
    holding = [
        row["name"]
        for row in files
        if row["path"] and b"13900000001" in (data_directory / row["path"]).read_bytes()
    ]
    assert holding == []
    assert (await Account.get(id=(await Account.all().first()).id)).status == "PURGED"
