"""Notifications leave through the outbox: each delivered once, retried on failure."""

import asyncio
import json
import socket
from datetime import timedelta

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from models import OutboxMessage, OutboxStatus
from services.clock import FakeClock
from services.notify import outbox
from services.notify.sms import FileSms, SmsPurpose, WebhookSms
from services.runtime import Runtime


class Gateway:
    """A real HTTP SMS gateway, served in-process, that fails the first `failures` posts."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[dict] = []
        self.app = Starlette(routes=[Route("/sms", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> JSONResponse:
        if self.failures:
            self.failures -= 1
            return JSONResponse({"error": "busy"}, status_code=503)
        self.received.append(await request.json())
        return JSONResponse({"ok": True})

    def sender(self) -> WebhookSms:
        return WebhookSms("http://gateway.test/sms", transport=httpx.ASGITransport(app=self.app))


async def queue(rt: Runtime, count: int = 1, *, code: str | None = None) -> None:
    for i in range(count):
        await outbox.enqueue(
            rt,
            account_id=None,
            to_phone=f"+86139000000{i:02d}",
            purpose=SmsPurpose.LOGIN_CODE if code else SmsPurpose.ACCOUNT_RESTORED,
            text=f"message {i} {code or ''}".strip(),
            code=code,
            at=rt.clock.now(),
        )


async def test_the_file_backend_writes_json_lines_with_the_purpose(
    runtime: Runtime, sms: FileSms
) -> None:
    await queue(runtime, code="123456")

    assert await outbox.deliver_due(runtime, sms) == 1

    assert [json.loads(line) for line in sms.path.read_text().splitlines()] == [
        {
            "to": "+8613900000000",
            "purpose": "LOGIN_CODE",
            "text": "message 0 123456",
            "code": "123456",
        }
    ]


async def test_a_delivered_code_is_not_kept(runtime: Runtime, sms: FileSms) -> None:
    await queue(runtime, code="123456")
    await outbox.deliver_due(runtime, sms)

    message = await OutboxMessage.get()
    assert (message.status, message.code, message.text) == (
        OutboxStatus.SENT,
        None,
        "message 0 ******",
    )


async def test_one_customers_messages_arrive_in_the_order_they_were_written(
    runtime: Runtime,
) -> None:
    class SlowFirst(Gateway):  # answers a customer's first message last, if it could
        async def receive(self, request: Request) -> JSONResponse:
            if (await request.json())["text"] == "confirmed":
                await asyncio.sleep(0.05)
            return await super().receive(request)

    gateway = SlowFirst()
    for phone, text in [
        ("+8613900000001", "confirmed"),
        ("+8613900000002", "other"),
        ("+8613900000001", "completed"),
    ]:
        await outbox.enqueue(
            runtime,
            account_id=None,
            to_phone=phone,
            text=text,
            purpose=SmsPurpose.ACCOUNT_RESTORED,
            at=runtime.clock.now(),
        )

    assert await outbox.deliver_due(runtime, gateway.sender()) == 3

    assert [(m["to"], m["text"]) for m in gateway.received] == [
        ("+8613900000002", "other"),
        ("+8613900000001", "confirmed"),
        ("+8613900000001", "completed"),
    ]


async def test_a_failed_delivery_is_retried_later(runtime: Runtime, clock: FakeClock) -> None:
    gateway = Gateway(failures=2)
    await queue(runtime)

    first = await outbox.deliver_due(runtime, gateway.sender())
    again_at_once = await outbox.deliver_due(runtime, gateway.sender())
    clock.advance(timedelta(seconds=2))
    second = await outbox.deliver_due(runtime, gateway.sender())
    clock.advance(timedelta(seconds=4))
    third = await outbox.deliver_due(runtime, gateway.sender())

    assert (first, again_at_once, second, third) == (0, 0, 0, 1)
    assert [m["purpose"] for m in gateway.received] == ["ACCOUNT_RESTORED"]
    message = await OutboxMessage.get()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 3)


async def test_a_gateway_down_longer_than_the_old_258_seconds_still_delivers(
    runtime: Runtime, clock: FakeClock
) -> None:
    # given a gateway that fails everything for an hour (retries every 5 minutes at most)
    gateway = Gateway(failures=10_000)
    await queue(runtime, 3)
    for _ in range(13):
        await outbox.deliver_due(runtime, gateway.sender())
        clock.advance(outbox.MAX_BACKOFF)

    # when it comes back
    gateway.failures = 0
    delivered = await outbox.deliver_due(runtime, gateway.sender())

    # then every message goes out, once
    assert delivered == 3
    assert sorted(m["text"] for m in gateway.received) == ["message 0", "message 1", "message 2"]
    assert {m.status for m in await OutboxMessage.all()} == {OutboxStatus.SENT}


async def test_the_first_success_after_an_outage_lets_the_backlog_go_at_once(
    runtime: Runtime, clock: FakeClock
) -> None:
    # given notices that failed while the gateway was down, each now backing off longer
    gateway = Gateway(failures=10_000)
    await queue(runtime, 10)
    for attempt in range(1, 6):
        await outbox.deliver_due(runtime, gateway.sender())
        clock.advance(timedelta(seconds=2**attempt if attempt < 5 else 1))
    backing_off = [m.next_attempt_at for m in await OutboxMessage.all()]

    # when the gateway is back and a new notice goes through
    gateway.failures = 0
    await outbox.enqueue(
        runtime,
        account_id=None,
        to_phone="+8613900000099",
        purpose=SmsPurpose.ACCOUNT_RESTORED,
        text="new",
        at=clock.now(),
    )
    first = await outbox.deliver_due(runtime, gateway.sender())
    backlog = await outbox.deliver_due(runtime, gateway.sender())  # at the same instant

    # then the waiting messages went out at once, not each after its own backoff
    assert any(at > clock.now() for at in backing_off)
    assert first >= 1 and first + backlog == 11
    assert {m.status for m in await OutboxMessage.all()} == {OutboxStatus.SENT}


async def test_a_message_past_its_deadline_is_expired_not_sent_late(
    runtime: Runtime, clock: FakeClock
) -> None:
    gateway = Gateway(failures=10_000)
    await queue(runtime, code="123456")  # a login code: 5 minutes
    await outbox.deliver_due(runtime, gateway.sender())

    clock.advance(timedelta(minutes=5))
    gateway.failures = 0
    delivered = await outbox.deliver_due(runtime, gateway.sender())

    assert (delivered, gateway.received) == (0, [])
    message = await OutboxMessage.get()
    assert (message.status, message.code) == (OutboxStatus.EXPIRED, None)
    assert [m.id for m in await outbox.overdue()] == [message.id]


@pytest.mark.postgres
async def test_two_workers_deliver_each_message_once(runtime: Runtime) -> None:
    gateway = Gateway()
    await queue(runtime, 60)

    delivered = await asyncio.gather(
        outbox.deliver_due(runtime, gateway.sender()), outbox.deliver_due(runtime, gateway.sender())
    )

    assert sum(delivered) == 60
    assert sorted(m["to"] for m in gateway.received) == sorted(
        f"+86139000000{i:02d}" for i in range(60)
    )


class SlowGateway:
    """A real HTTP gateway on a local port that sends each SMS once per Idempotency-Key and
    answers the first post of each key only after the client has given up waiting."""

    def __init__(self, late_by: float) -> None:
        self.late_by = late_by
        self.posts: list[tuple[str, str]] = []  # (idempotency key, text) of every post
        self.sent: dict[str, str] = {}  # what reached phones, by key
        self.app = Starlette(routes=[Route("/sms", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> JSONResponse:
        key = request.headers["idempotency-key"]
        body = await request.json()
        self.posts.append((key, body["text"]))
        if key in self.sent:  # a retry of an accepted message: accepted again, not sent
            return JSONResponse({"ok": True, "duplicate": True})
        self.sent[key] = body["text"]
        await asyncio.sleep(self.late_by)
        return JSONResponse({"ok": True})


async def test_a_gateway_that_accepts_but_answers_late_sends_each_message_once(
    runtime: Runtime, clock: FakeClock
) -> None:
    gateway = SlowGateway(late_by=0.5)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(gateway.app, host="127.0.0.1", port=port, log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    for _ in range(500):  # bounded: the server starts in well under a second
        if server.started:
            break
        await asyncio.sleep(0.01)
    sender = WebhookSms(f"http://127.0.0.1:{port}/sms", timeout=0.2)
    try:
        await queue(runtime, 4, code="654321")
        first = await outbox.deliver_due(runtime, sender)  # every answer comes too late
        clock.advance(timedelta(seconds=2))
        second = await outbox.deliver_due(runtime, sender)
    finally:
        await sender.aclose()
        server.should_exit = True
        await serving

    assert (first, second) == (0, 4)
    assert len(gateway.sent) == 4  # each message reached a phone once
    keys = [key for key, _ in gateway.posts]
    assert {key: keys.count(key) for key in keys} == {key: 2 for key in gateway.sent}
