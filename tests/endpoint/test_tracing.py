"""Traces: a request's span holds its GraphQL operation's, which holds the statements it sent,
on the prepared path and strawberry's alike; the worker's jobs hold their statements and their
gateway calls. Read from an in-memory exporter, on both databases."""

from collections.abc import AsyncIterator

import httpx
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from server import tracing
from server.app import create_app
from server.settings import Settings
from server.worker import Worker
from services import tracing as spans
from services.notify.sms import FileSms
from services.runtime import Runtime
from tests import factories
from tests.conftest import TEST_SECRET
from tests.customer import Customer
from tests.helpers import GraphQL
from tests.operations import ME

BY_HAND = "query Mine { me { id balance { fen } } }"


@pytest.fixture
async def traced(
    orm: str, runtime: Runtime, worker: Worker, sms: FileSms
) -> AsyncIterator[tuple[GraphQL, InMemorySpanExporter]]:
    settings = Settings(database_url=orm, secret_key=TEST_SECRET.decode())
    exported = InMemorySpanExporter()
    provider = tracing.start(settings, exporter=exported)
    assert provider is not None
    app = create_app(settings, runtime, manage_orm=False, tracer_provider=provider)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://wallet.test") as client:
            yield GraphQL(app, client, worker, sms), exported
    finally:
        tracing.stop(provider)


def children(of: ReadableSpan, among: tuple[ReadableSpan, ...]) -> list[ReadableSpan]:
    return [s for s in among if s.parent is not None and s.parent.span_id == of.context.span_id]


def one(named: str, among: tuple[ReadableSpan, ...]) -> ReadableSpan:
    [found] = [s for s in among if s.name == named]
    return found


async def test_a_request_holds_its_operation_and_the_statements_it_sent(
    traced: tuple[GraphQL, InMemorySpanExporter], runtime: Runtime
) -> None:
    api, exported = traced
    await factories.account(runtime, fen=12_850, card_last4="6789")
    person = Customer(api, "+8613900000001")
    await person.log_in()
    exported.clear()

    assert (await api.data(ME, token=person.token))["me"]["balance"]["fen"] == 12_850
    assert (await api.data(BY_HAND, token=person.token))["me"]["balance"]["fen"] == 12_850
    finished = exported.get_finished_spans()

    requests = [s for s in finished if s.kind == SpanKind.SERVER]
    assert [s.name for s in requests] == ["POST /graphql", "POST /graphql"]
    assert all(s.parent is None for s in requests)
    assert len({s.context.trace_id for s in requests}) == 2  # a trace each
    prepared, by_hand = (children(r, finished) for r in requests)
    assert [s.name for s in prepared] == ["query Me"]  # the contract's text: prepared path
    assert [s.name for s in by_hand] == ["query other"]  # a name no app registered
    assert by_hand[0].attributes is not None
    assert by_hand[0].attributes["graphql.operation.name"] == "Mine"
    statements = children(prepared[0], finished)
    assert [s.name for s in statements] == ["SELECT", "SELECT"]  # the caller; cards and devices
    assert all(s.kind == SpanKind.CLIENT for s in statements)
    texts = [str((s.attributes or {})["db.query.text"]) for s in statements]
    assert "FROM session" in texts[0] and "bank_card" in texts[1] and "session" in texts[1]
    assert len(children(by_hand[0], finished)) == 2


async def test_a_worker_job_holds_its_statements_and_its_gateway_calls(
    traced: tuple[GraphQL, InMemorySpanExporter], runtime: Runtime
) -> None:
    api, exported = traced
    await factories.account(runtime)
    person = Customer(api, "+8613900000001")
    await person.log_in()
    started = await person.start()
    assert not started["errors"]
    await person.send_code(started["request"]["id"])
    exported.clear()

    await api.deliver()
    finished = exported.get_finished_spans()
    job = one("job send codes", finished)
    assert job.parent is None
    assert job.attributes is not None and job.attributes["wallet.job.done"] == 1
    [sent] = [s for s in children(job, finished) if s.name == "sms send"]
    assert sent.kind == SpanKind.CLIENT
    assert sent.attributes is not None and sent.attributes["wallet.sms.purpose"] == "CLOSURE_CODE"
    statements = [s.name for s in children(job, finished) if s.name != "sms send"]
    assert {"SELECT", "UPDATE"} <= set(statements)  # the read, the claim, the delivered mark
    jobs = [s for s in finished if s.name.startswith("job ")]
    assert len(jobs) == len(api.worker.jobs())  # every job of the pass has its own trace
    assert len({s.context.trace_id for s in jobs}) == len(jobs)


async def test_off_spans_are_one_shared_empty_block(orm: str) -> None:
    assert not spans.on()
    with spans.span("anything") as nothing:
        assert nothing is None
    assert spans.span("a") is spans.span("b")
    assert spans.trace_id() is None
    assert tracing.start(Settings(database_url=orm, secret_key=TEST_SECRET.decode())) is None
