"""Every (state, event) pair of the closure request: allowed pairs move, all others refuse
with INVALID_STATE and change nothing."""

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from tortoise.transactions import in_transaction

from models import AuditEntry, ClosureReason, ClosureRequest, ClosureStep
from services.closure import machine
from services.closure.machine import TRANSITIONS, Event, State
from services.errors import DomainError, ErrorCode
from services.runtime import Runtime
from tests import factories

PAIRS = list(itertools.product(State, Event))


async def request_in(rt: Runtime, state: State) -> ClosureRequest:
    account = await factories.account(rt)
    now = rt.clock.now()
    return await ClosureRequest.create(
        account=account,
        state=state,
        reason=ClosureReason.PRIVACY,
        idempotency_key="k",
        created_at=now,
        expires_at=now + timedelta(minutes=30),
    )


def test_the_manual_shows_the_table() -> None:
    flows = (Path(__file__).resolve().parents[2] / "docs" / "flows.md").read_text()
    assert f"```mermaid\n{machine.mermaid()}\n```" in flows


def test_the_table_names_every_state() -> None:
    reachable = {State.STARTED} | {edge.target for edge in TRANSITIONS.values()}
    assert reachable == set(State)
    assert machine.OPEN | machine.ENDED | {State.COMPLETED} == set(State)


@pytest.mark.parametrize(("state", "event"), PAIRS, ids=[f"{s}-{e}" for s, e in PAIRS])
async def test_each_pair(runtime: Runtime, state: State, event: Event) -> None:
    # given
    request = await request_in(runtime, state)
    audit_before = await AuditEntry.all().count()

    # when
    try:
        async with in_transaction():
            await machine.apply(runtime, request, event, at=runtime.clock.now())
        refusal = None
    except DomainError as error:
        refusal = error.code

    # then
    stored = await ClosureRequest.get(id=request.id)
    steps = await ClosureStep.filter(request_id=request.id).values_list("state", flat=True)
    if (state, event) in TRANSITIONS:
        target = TRANSITIONS[(state, event)].target
        assert (refusal, stored.state, steps) == (None, target, [target])
        assert await AuditEntry.all().count() == audit_before + 1
        assert (stored.ended_at is not None) == (target in machine.ENDED)
    else:
        assert (refusal, stored.state, steps) == (ErrorCode.INVALID_STATE, state, [])
        assert await AuditEntry.all().count() == audit_before


async def test_a_stale_copy_loses_the_compare_and_set(runtime: Runtime) -> None:
    request = await request_in(runtime, State.CONFIRMED)
    stale = await ClosureRequest.get(id=request.id)
    async with in_transaction():
        await machine.apply(runtime, request, Event.COMPLETE, at=runtime.clock.now())

    with pytest.raises(DomainError) as refused:
        async with in_transaction():
            await machine.apply(runtime, stale, Event.RESTORE, at=runtime.clock.now())

    assert refused.value.code == ErrorCode.INVALID_STATE
    assert (await ClosureRequest.get(id=request.id)).state == State.COMPLETED
    assert await ClosureStep.filter(request_id=request.id).count() == 1
