"""Notifications leave through the outbox: each delivered once, retried on failure."""

import asyncio
import json
from datetime import timedelta

import httpx
import pytest
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
        await outbox.enqueue(account_id=None, to_phone=f"+86139000000{i:02d}",
                             purpose=SmsPurpose.LOGIN_CODE if code else SmsPurpose.ACCOUNT_RESTORED,
                             text=f"message {i} {code or ''}".strip(), code=code,
                             at=rt.clock.now())


async def test_the_file_backend_writes_json_lines_with_the_purpose(
        runtime: Runtime, sms: FileSms) -> None:
    await queue(runtime, code="123456")

    assert await outbox.deliver_due(runtime, sms) == 1

    assert [json.loads(line) for line in sms.path.read_text().splitlines()] == [
        {"to": "+8613900000000", "purpose": "LOGIN_CODE", "text": "message 0 123456",
         "code": "123456"}]


async def test_a_delivered_code_is_not_kept(runtime: Runtime, sms: FileSms) -> None:
    await queue(runtime, code="123456")
    await outbox.deliver_due(runtime, sms)

    message = await OutboxMessage.get()
    assert (message.status, message.code, message.text) == (
        OutboxStatus.SENT, None, "message 0 ******")


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


async def test_delivery_gives_up_after_the_last_retry(runtime: Runtime, clock: FakeClock) -> None:
    gateway = Gateway(failures=100)
    await queue(runtime)

    for _ in range(outbox.MAX_ATTEMPTS + 2):
        await outbox.deliver_due(runtime, gateway.sender())
        clock.advance(timedelta(minutes=10))

    message = await OutboxMessage.get()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert "503" in (message.last_error or "")


@pytest.mark.postgres
async def test_two_workers_deliver_each_message_once(runtime: Runtime) -> None:
    gateway = Gateway()
    await queue(runtime, 60)

    delivered = await asyncio.gather(outbox.deliver_due(runtime, gateway.sender()),
                                     outbox.deliver_due(runtime, gateway.sender()))

    assert sum(delivered) == 60
    assert sorted(m["to"] for m in gateway.received) == sorted(
        f"+86139000000{i:02d}" for i in range(60))
