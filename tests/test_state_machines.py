"""Every status table: each (state, event) pair either moves (compare-and-set) or refuses with
INVALID_STATE and changes nothing; the diagrams in docs/ are the generated ones."""

import itertools
from pathlib import Path
from uuid import uuid4

import pytest
from tortoise.models import Model

from models import (
    Account,
    BankCard,
    Book,
    DataExport,
    ExportFormat,
    LedgerEntry,
    MovementKind,
    OfflineRefund,
    OutboxMessage,
    StaffRole,
    Withdrawal,
)
from server import diagrams
from services.closure.machine import CLOSURE
from services.errors import DomainError, ErrorCode
from services.money.withdrawals import WITHDRAWAL
from services.runtime import Runtime
from services.statemachine import Machine
from services.support import staff
from tests import factories

ROOT = Path(__file__).resolve().parents[1]


async def row_in(rt: Runtime, machine: Machine, state) -> Model:
    now = rt.clock.now()
    if machine.name == "outbox message":
        return await OutboxMessage.create(
            to_phone="+8613900000001",
            purpose="ACCOUNT_RESTORED",
            text="t",
            status=state,
            created_at=now,
            next_attempt_at=now,
        )
    account = await factories.account(rt)
    if machine.name == "ledger leg":
        return await LedgerEntry.create(
            account=account,
            movement_id=uuid4(),
            book=Book.WALLET,
            kind=MovementKind.WITHDRAWAL,
            amount_fen=-1,
            status=state,
            created_at=now,
        )
    if machine.name == "account":
        await Account.filter(id=account.id).update(status=state)
        account.status = state
        return account
    if machine.name == "withdrawal":
        card = await BankCard.create(account=account, bank_name="b", last4="0000", bound_at=now)
        return await Withdrawal.create(
            account=account,
            card=card,
            movement_id=uuid4(),
            amount_fen=1,
            status=state,
            idempotency_key="k",
            created_at=now,
        )
    if machine.name == "data export":
        return await DataExport.create(
            account=account, format=ExportFormat.JSON, status=state, created_at=now
        )
    maker = await staff.add(rt, username="maker", password="Maker-pass-1", role=StaffRole.AGENT)
    return await OfflineRefund.create(
        account=account,
        status=state,
        amount_fen=1,
        payee_name="n",
        payee_bank="b",
        payee_account="1234",
        idempotency_key="k",
        proposed_by=maker,
        created_at=now,
    )


CASES = [
    (m, s, e)
    for m in diagrams.MACHINES
    if m is not CLOSURE  # closure: its own test
    for s, e in itertools.product(type(m.initial), type(next(iter(m.transitions))[1]))
]


@pytest.mark.parametrize(
    ("machine", "state", "event"), CASES, ids=[f"{m.name}-{s}-{e}" for m, s, e in CASES]
)
async def test_each_pair(runtime: Runtime, machine: Machine, state, event) -> None:
    row = await row_in(runtime, machine, state)

    try:
        moved_to = await machine.move(row, event)
        refusal = None
    except DomainError as error:
        moved_to, refusal = None, error.code

    stored = getattr(await type(row).get(pk=row.pk), machine.column)
    if machine.allows(state, event):
        target = machine.transitions[(state, event)].target
        assert (refusal, moved_to, stored) == (None, target, target)
    else:
        assert (refusal, stored) == (ErrorCode.INVALID_STATE, state)


async def test_a_stale_copy_loses_the_compare_and_set(runtime: Runtime) -> None:
    machine = WITHDRAWAL
    row = await row_in(runtime, machine, machine.initial)
    stale = await type(row).get(pk=row.pk)
    event, other = list(type(next(iter(machine.transitions))[1]))[:2]
    await machine.move(row, event)

    with pytest.raises(DomainError):
        await machine.move(stale, other)
    assert getattr(await type(row).get(pk=row.pk), machine.column) == row.status


def test_every_status_is_reachable_and_ends() -> None:
    for machine in diagrams.MACHINES:
        states = set(type(machine.initial))
        reachable = {machine.initial} | {e.target for e in machine.transitions.values()}
        assert reachable == states, machine.name
        assert machine.ended <= states and machine.ended, machine.name


def test_the_docs_show_the_generated_diagrams() -> None:
    committed = (ROOT / "docs" / "state-machines.md").read_text()
    assert committed == diagrams.document(), "run `wallet-closure state-diagrams`"
