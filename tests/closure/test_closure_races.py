"""Races on PostgreSQL: workers competing for due requests, and racing customer requests."""

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from models import Account, AccountStatus, ClosureReason, ClosureRequest, ClosureStep
from server.worker import Worker
from services.closure.machine import State
from services.money.payouts import SimulatedBank
from services.notify import outbox
from services.notify.sms import FileSms
from services.records import audit
from services.runtime import Runtime
from tests import factories
from tests.conftest import TEST_SECRET
from tests.customer import Customer, codes
from tests.helpers import GraphQL

pytestmark = pytest.mark.postgres
PHONE = "+8613900000001"


async def confirmed_requests(rt: Runtime, count: int) -> None:
    now = rt.clock.now()
    for i in range(count):
        account = await Account.create(
            phone=f"+86139{i:08d}", status=AccountStatus.CLOSING, created_at=now
        )
        await ClosureRequest.create(
            account=account,
            state=State.CONFIRMED,
            confirmed_at=now,
            reason=ClosureReason.OTHER,
            idempotency_key="k",
            created_at=now,
            expires_at=now + timedelta(minutes=30),
        )


async def drain(worker: Worker) -> None:
    while await worker.run_once():
        pass


async def test_two_workers_complete_200_requests_each_exactly_once(
    runtime: Runtime, sms: FileSms, tmp_path
) -> None:
    # given
    await confirmed_requests(runtime, 200)
    workers = [
        Worker(
            runtime, FileSms(tmp_path / f"worker{i}.jsonl"), SimulatedBank(timedelta(seconds=5)), 5
        )
        for i in range(2)
    ]

    # when
    await asyncio.gather(*(drain(w) for w in workers))

    # then
    assert await ClosureRequest.filter(state=State.COMPLETED).count() == 200
    assert await Account.filter(status=AccountStatus.CLOSED).count() == 200
    assert await ClosureStep.filter(state=State.COMPLETED).count() == 200
    sent = Counter()
    for worker in workers:
        for line in worker.sms.path.read_text().splitlines() if worker.sms.path.exists() else []:
            sent[line] += 1
    assert len(sent) == 200 and set(sent.values()) == {1}
    assert all('"purpose": "CLOSURE_COMPLETED"' in line for line in sent)
    assert (await audit.verify_chain(TEST_SECRET)).breaks == []


async def closing_customer(api: GraphQL, runtime: Runtime) -> tuple[Customer, str]:
    await factories.account(runtime, PHONE)
    person = Customer(api, PHONE)
    await person.log_in()
    request_id = (await person.start())["request"]["id"]
    await person.send_code(request_id)
    await person.verify(request_id)
    return person, request_id


async def test_two_confirmations_at_once_confirm_once(api: GraphQL, runtime: Runtime) -> None:
    person, request_id = await closing_customer(api, runtime)

    answers = await asyncio.gather(person.confirm(request_id), person.confirm(request_id))

    assert sorted(str(codes(a)) for a in answers) == ["['INVALID_STATE']", "[]"]
    assert (await Account.get(phone=PHONE)).status == AccountStatus.CLOSING
    assert await ClosureStep.filter(state=State.CONFIRMED).count() == 1
    closure_sms = [m for m in await api.deliver() if m["purpose"] == "CLOSURE_CONFIRMED"]
    assert len(closure_sms) == 1


async def test_restore_racing_completion_leaves_a_consistent_account(
    api: GraphQL, runtime: Runtime, worker: Worker
) -> None:
    person, request_id = await closing_customer(api, runtime)
    await person.confirm(request_id)
    await person.send_restore_code()
    await outbox.deliver_due(runtime, api.sms)  # the SMS only; completion is the racer
    code = api.sent()[-1]["code"]

    restored, _ = await asyncio.gather(person.restore(code), worker.run_once())

    request = await ClosureRequest.get(id=request_id)
    account = await Account.get(phone=PHONE)
    assert (request.state, account.status) in {
        (State.RESTORED, AccountStatus.ACTIVE),
        (State.COMPLETED, AccountStatus.CLOSED),
    }
    assert (restored["token"] is not None) == (request.state == State.RESTORED)


async def test_the_same_start_sent_twice_at_once_creates_one_request(
    api: GraphQL, runtime: Runtime
) -> None:
    await factories.account(runtime, PHONE)
    person = Customer(api, PHONE)
    await person.log_in()

    answers = await asyncio.gather(*(person.start("same-key") for _ in range(3)))

    assert len({a["request"]["id"] for a in answers}) == 1
    assert await ClosureRequest.all().count() == 1
