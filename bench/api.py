"""Throughput and latency of the operations the app calls most, against a real server.

    .venv/bin/python bench/api.py [--requests 2000] [--concurrency 20]
    WALLET_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/api.py

Starts `wallet-closure serve --demo-data --no-worker` on a free local port (a fresh SQLite file,
or a PostgreSQL database of its own that is dropped afterwards), sends the contract's
operations over HTTP from this process, and prints requests per second, p50/p95/p99 latency
and the server's peak memory.
"""

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from harness import log_in, scratch_database, serving

from tests.operations import CLOSURE_ELIGIBILITY, ME, SECURITY_LOG

OPERATIONS = {
    "Me": (ME, None),
    "ClosureEligibility": (CLOSURE_ELIGIBILITY, None),
    "SecurityLog": (SECURITY_LOG, {"first": 20}),
}


async def measure(
    client: httpx.AsyncClient,
    token: str,
    document: str,
    variables: object,
    requests: int,
    concurrency: int,
) -> list[float]:
    latencies: list[float] = []
    queue = iter(range(requests))

    async def user() -> None:
        for _ in queue:
            started = time.perf_counter()
            response = await client.post(
                "/graphql",
                json={"query": document, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert response.status_code == 200 and "errors" not in response.json()
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(user() for _ in range(concurrency)))
    return latencies


def peak_memory_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def run(root: str, pid: int, requests: int, concurrency: int) -> None:
    token = log_in(root, "13800000001", "Demo-pass-1")
    async with httpx.AsyncClient(
        base_url=root, timeout=30, limits=httpx.Limits(max_connections=concurrency)
    ) as client:
        print(
            f"{requests} requests per operation, {concurrency} at a time, over HTTP to one "
            "uvicorn process"
        )
        for name, (document, variables) in OPERATIONS.items():
            await measure(client, token, document, variables, 100, concurrency)  # warm-up
            started = time.perf_counter()
            latencies = await measure(client, token, document, variables, requests, concurrency)
            elapsed = time.perf_counter() - started
            q = statistics.quantiles(latencies, n=100)
            print(
                f"{name:20} {requests / elapsed:7.0f} req/s   p50 {q[49] * 1000:6.1f} ms"
                f"   p95 {q[94] * 1000:6.1f} ms   p99 {q[98] * 1000:6.1f} ms"
            )
    print(f"server peak memory: {peak_memory_mib(pid):.0f} MiB")


def main(requests: int, concurrency: int) -> None:
    base = os.environ.get("WALLET_BENCH_DATABASE_URL")
    with (
        (
            scratch_database(base)
            if base
            else contextlib.nullcontext(f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3")
        ) as url,
        serving(url, demo_data=True) as (root, pid),
    ):
        print(f"database: {url.split(':')[0]}")
        asyncio.run(run(root, pid, requests, concurrency))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    arguments = parser.parse_args()
    main(arguments.requests, arguments.concurrency)
