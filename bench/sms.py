"""SMS throughput of one worker against a slow gateway (issue: the worker under a brownout).

    .venv/bin/python bench/sms.py [--messages 160] [--latency 4] [--in-flight 16]

A real HTTP gateway on a local port answers every message after `--latency` seconds; one
worker's notices lane sends the queued messages through `WebhookSms`, `--in-flight` at a time,
against a fresh SQLite database. Prints messages per second and checks each arrived once.
"""

import argparse
import asyncio
import socket
import sys
import tempfile
import time
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from tortoise import Tortoise

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.database import migrate, tortoise_config  # noqa: E402
from services.clock import SystemClock  # noqa: E402
from services.notify import outbox  # noqa: E402
from services.notify.outbox import Lane  # noqa: E402
from services.notify.sms import SmsPurpose, WebhookSms  # noqa: E402
from services.runtime import Runtime  # noqa: E402


async def main(messages: int, latency: float, in_flight: int) -> None:
    received: list[str] = []

    async def gateway(request: Request) -> JSONResponse:
        await asyncio.sleep(latency)
        received.append(request.headers["idempotency-key"])
        return JSONResponse({"ok": True})

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=[Route("/sms", gateway, methods=["POST"])]),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    serving = asyncio.create_task(server.serve())
    url = f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3"
    await migrate(url)
    await Tortoise.init(config=tortoise_config(url), _enable_global_fallback=True)
    rt = Runtime(clock=SystemClock(), secret=b"bench")
    sender = WebhookSms(f"http://127.0.0.1:{port}/sms", timeout=latency + 5, connections=in_flight)
    try:
        for i in range(messages):
            await outbox.enqueue(
                rt,
                account_id=None,
                to_phone=f"+861390{i:07d}",
                purpose=SmsPurpose.ACCOUNT_RESTORED,
                text=f"notice {i}",
                at=rt.clock.now(),
            )
        started = time.perf_counter()
        sent = 0
        while sent < messages:
            sent += await outbox.deliver_due(rt, sender, lane=Lane.NOTICES, in_flight=in_flight)
        elapsed = time.perf_counter() - started
    finally:
        await sender.aclose()
        await Tortoise.close_connections()
        server.should_exit = True
        await serving
    assert sorted(received) == sorted(set(received)) and len(received) == messages
    print(
        f"{messages} SMS, gateway latency {latency:g} s, {in_flight} in flight: "
        f"{elapsed:.1f} s, {messages / elapsed:.2f} messages/s (each delivered once)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=160)
    parser.add_argument("--latency", type=float, default=4.0)
    parser.add_argument("--in-flight", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.latency, args.in_flight))
