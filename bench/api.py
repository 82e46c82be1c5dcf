"""Throughput and latency of the operations the app calls most, against a real server.

    .venv/bin/python bench/api.py [--requests 2000] [--concurrency 20]
    WALLET_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/api.py

Starts `wallet-closure serve --demo-data` on a free port of 127.0.0.1 (a fresh SQLite file,
or a PostgreSQL database of its own that is dropped afterwards), sends the contract's
operations over HTTP from this process, and prints requests per second, p50/p95/p99 latency
and the server's peak memory.
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.operations import (  # noqa: E402
    CLOSURE_ELIGIBILITY,
    LOGIN_WITH_PASSWORD,
    ME,
    SECURITY_LOG,
)

OPERATIONS = {"Me": (ME, None), "ClosureEligibility": (CLOSURE_ELIGIBILITY, None),
              "SecurityLog": (SECURITY_LOG, {"first": 20})}


async def measure(client: httpx.AsyncClient, token: str, document: str, variables: object,
                  requests: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    queue = iter(range(requests))

    async def user() -> None:
        for _ in queue:
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": document,
                                                           "variables": variables},
                                         headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 200 and "errors" not in response.json()
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(user() for _ in range(concurrency)))
    return latencies


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(url: str, requests: int, concurrency: int) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tempfile.mkdtemp()
    server = subprocess.Popen(  # noqa: ASYNC220 - our own server, started once
        [sys.executable, "-m", "server.cli", "serve", "--demo-data", "--port", str(port)],
        cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "WALLET_DATABASE_URL": url,
             "WALLET_SECRET_KEY": "bench-" + uuid.uuid4().hex})
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                     limits=httpx.Limits(max_connections=concurrency)) as client:
            for _ in range(200):
                try:
                    await client.get("/health")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            login = await client.post("/graphql", json={"query": LOGIN_WITH_PASSWORD, "variables": {
                "input": {"phone": "13800000001", "password": "Demo-pass-1",
                          "deviceName": "bench"}}})
            token = login.json()["data"]["loginWithPassword"]["token"]
            print(f"database: {url.split(':')[0]}, {requests} requests per operation, "
                  f"{concurrency} at a time, over HTTP to one uvicorn process")
            for name, (document, variables) in OPERATIONS.items():
                await measure(client, token, document, variables, 100, concurrency)  # warm-up
                started = time.perf_counter()
                latencies = await measure(client, token, document, variables, requests,
                                          concurrency)
                elapsed = time.perf_counter() - started
                q = statistics.quantiles(latencies, n=100)
                print(f"{name:20} {requests / elapsed:7.0f} req/s   p50 {q[49] * 1000:6.1f} ms"
                      f"   p95 {q[94] * 1000:6.1f} ms   p99 {q[98] * 1000:6.1f} ms")
        print(f"server peak memory: {peak_memory_mib(server.pid):.0f} MiB")
    finally:
        server.terminate()
        server.wait(timeout=20)


async def main(requests: int, concurrency: int) -> None:
    base = os.environ.get("WALLET_BENCH_DATABASE_URL", "")
    if not base.startswith("postgres"):
        await run(f"sqlite://{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}", requests,
                  concurrency)
        return
    name = f"wallet_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(base)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await run(base.rsplit("/", 1)[0] + "/" + name, requests, concurrency)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.concurrency))
