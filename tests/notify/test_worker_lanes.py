"""The worker under a brownout: an SMS gateway that answers every message slowly while a
thousand notices are queued. One-time codes and closure completion must not wait behind them,
and every notice still goes out exactly once. And a lane with more due than one pass takes
keeps going instead of waiting for the next tick."""

import asyncio
from datetime import timedelta

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from models import Account, AccountStatus, ClosureReason, ClosureRequest
from server.settings import Settings
from server.wiring import build_worker
from server.worker import Worker
from services.closure.machine import State
from services.money.payouts import SimulatedBank
from services.notify import outbox
from services.notify.sms import FileSms, SmsPurpose, WebhookSms
from services.runtime import Runtime
from tests import factories
from tests.conftest import CAPTCHA_TEST_ANSWER
from tests.customer import Customer
from tests.helpers import GraphQL
from tests.operations import SEND_LOGIN_CODE

NOTICES = 1_000
LATENCY = 0.2  # seconds per message, every message (4 s in the incident, scaled down)


class BrownoutGateway:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.app = Starlette(routes=[Route("/sms", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> JSONResponse:
        body = await request.json()
        await asyncio.sleep(LATENCY)
        self.received.append({**body, "key": request.headers["idempotency-key"]})
        return JSONResponse({"ok": True})

    def notices_so_far(self) -> int:
        return sum(m["purpose"] == "ACCOUNT_RESTORED" for m in self.received)


async def eventually(check, seconds: float) -> None:
    for _ in range(int(seconds / 0.05)):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("did not happen in time")


async def test_codes_and_completion_overtake_a_thousand_slow_notices(
    api: GraphQL, runtime: Runtime
) -> None:
    # given a thousand notices queued and a gateway that takes its time with each
    gateway = BrownoutGateway()
    sender = WebhookSms("http://gateway.test/sms", transport=httpx.ASGITransport(app=gateway.app))
    for i in range(NOTICES):
        await outbox.enqueue(
            runtime,
            account_id=None,
            to_phone=f"+861390{i:07d}",
            purpose=SmsPurpose.ACCOUNT_RESTORED,
            text=f"notice {i}",
            at=runtime.clock.now(),
        )
    await factories.account(runtime, "13900000001")
    closing = Customer(api, "+8613900000002")
    await factories.account(runtime, "13900000002")
    await closing.log_in()
    worker = Worker(runtime, sender, SimulatedBank(timedelta(seconds=5)), interval_seconds=0.1)
    runtime.wake_worker = worker.wake
    lanes = asyncio.create_task(worker.run_forever())
    try:
        # when a customer asks for a login code
        captcha = await api.data("mutation { createCaptcha(purpose: LOGIN) { captchaId } }")
        await api.data(
            SEND_LOGIN_CODE,
            {
                "input": {
                    "phone": "13900000001",
                    "captchaId": captcha["createCaptcha"]["captchaId"],
                    "captchaAnswer": CAPTCHA_TEST_ANSWER,
                }
            },
        )

        # then it reaches the gateway ahead of the backlog
        async def code_arrived() -> bool:
            return any(m["purpose"] == "LOGIN_CODE" for m in gateway.received)

        await eventually(code_arrived, 10)
        assert gateway.notices_so_far() < NOTICES / 4

        # and a closure confirmed meanwhile completes while the backlog is still there
        request_id = (await closing.start())["request"]["id"]
        await closing.send_code(request_id)

        async def closure_code_arrived() -> bool:
            return any(m["purpose"] == "CLOSURE_CODE" for m in gateway.received)

        await eventually(closure_code_arrived, 10)
        code = next(m["code"] for m in gateway.received if m["purpose"] == "CLOSURE_CODE")
        await closing.verify(request_id, code)
        assert (await closing.confirm(request_id))["errors"] == []

        async def completed() -> bool:
            return (await ClosureRequest.get(id=request_id)).state == State.COMPLETED

        await eventually(completed, 10)
        assert gateway.notices_so_far() < NOTICES

        # and every notice is still delivered, exactly once
        async def all_delivered() -> bool:
            return gateway.notices_so_far() == NOTICES

        await eventually(all_delivered, 120)
    finally:
        lanes.cancel()
        await sender.aclose()
    notices = [m for m in gateway.received if m["purpose"] == "ACCOUNT_RESTORED"]
    assert sorted(m["text"] for m in notices) == sorted(f"notice {i}" for i in range(NOTICES))
    assert len({m["key"] for m in notices}) == NOTICES  # once per idempotency key


async def test_a_lane_with_more_than_a_batch_due_does_not_wait_for_the_interval(
    runtime: Runtime, sms: FileSms
) -> None:
    # given 250 confirmed closures due at once (a pass completes at most 100)
    now = runtime.clock.now()
    for i in range(250):
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
    worker = Worker(runtime, sms, SimulatedBank(timedelta(seconds=5)), interval_seconds=3600)
    lanes = asyncio.create_task(worker.run_forever())
    try:
        # then all are completed without a second pass waiting an hour for its turn
        async def all_completed() -> bool:
            return await ClosureRequest.filter(state=State.COMPLETED).count() == 250

        await eventually(all_completed, 60)
    finally:
        lanes.cancel()


class HeldGateway:
    """A real HTTP gateway on loopback that keeps every notice waiting until released."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.release = asyncio.Event()
        app = Starlette(routes=[Route("/sms", self.receive, methods=["POST"])])
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
        )

    async def receive(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.received.append(body["purpose"])
        if body["purpose"] != "LOGIN_CODE":
            await self.release.wait()
        return JSONResponse({"ok": True})

    async def __aenter__(self) -> str:
        self.task = asyncio.create_task(self.server.serve())

        async def started() -> bool:
            return self.server.started

        await eventually(started, 10)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/sms"

    async def __aexit__(self, *_: object) -> None:
        self.release.set()
        self.server.should_exit = True
        await self.task


async def test_a_code_reaches_the_gateway_while_slow_notices_hold_every_connection(
    runtime: Runtime,
) -> None:
    gateway = HeldGateway()
    async with gateway as url:
        settings = Settings(
            database_url="sqlite://:memory:",
            sms_backend="webhook",
            sms_webhook_url=url,
            sms_in_flight=2,
            secret_key="k",
        )
        worker = build_worker(settings, runtime)
        for i in range(6):
            await outbox.enqueue(
                runtime,
                account_id=None,
                to_phone=f"+861390{i:07d}",
                purpose=SmsPurpose.ACCOUNT_RESTORED,
                text=f"notice {i}",
                at=runtime.clock.now(),
            )
        lanes = asyncio.create_task(worker.run_forever())
        try:

            async def notices_hold_the_connections() -> bool:
                return gateway.received.count("ACCOUNT_RESTORED") == 2

            await eventually(notices_hold_the_connections, 10)
            await outbox.enqueue(
                runtime,
                account_id=None,
                to_phone="+8613900000099",
                purpose=SmsPurpose.LOGIN_CODE,
                text="code 123456",
                code="123456",
                at=runtime.clock.now(),
            )
            worker.wake()

            async def code_arrived() -> bool:
                return "LOGIN_CODE" in gateway.received

            await eventually(code_arrived, 10)
            assert gateway.received.count("ACCOUNT_RESTORED") == 2  # still held
        finally:
            lanes.cancel()
            for sender in set(worker.senders.values()):
                await sender.aclose()
