"""How fast `wallet-closure worker` completes due closures on PostgreSQL: N confirmed requests
become due at once and the time until every one is COMPLETED is printed, for 1,000 and
10,000 requests with one worker process and with two.

    .venv/bin/python bench/worker.py [--base postgres://postgres@127.0.0.1:5432/test] \\
        [--sizes 1000 10000] [--workers 1 2]

Each run gets a fresh database (dropped afterwards). The worker processes start first, on an
empty queue; the requests then arrive in one transaction (accounts CLOSING with a card, each
request CONFIRMED an hour ago), and the clock runs from that commit. SMS go to a file.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from harness import ROOT, scratch_database

from server.database import driver_url, migrate


async def due_requests(db: asyncpg.Connection, count: int) -> None:
    now = datetime.now(UTC)
    confirmed = now - timedelta(hours=1)
    accounts = [(uuid.uuid4(), f"+86139{n:08d}") for n in range(count)]
    async with db.transaction():
        await db.copy_records_to_table(
            "account",
            records=[(a, phone, "", "CLOSING", "zh-CN", now, False) for a, phone in accounts],
            columns=("id", "phone", "display_name", "status", "locale", "created_at", "legal_hold"),
        )
        await db.copy_records_to_table(
            "bank_card",
            records=[(uuid.uuid4(), a, "中国邮政储蓄银行", "1234", now) for a, _ in accounts],
            columns=("id", "account_id", "bank_name", "last4", "bound_at"),
        )
        await db.copy_records_to_table(
            "closure_request",
            records=[
                (
                    uuid.uuid4(),
                    a,
                    "CONFIRMED",
                    "OTHER",
                    "",
                    "bench",
                    confirmed,
                    confirmed,
                    confirmed,
                    confirmed,
                    "[]",
                    "",
                )
                for a, _ in accounts
            ],
            columns=(
                "id",
                "account_id",
                "state",
                "reason",
                "comment",
                "idempotency_key",
                "created_at",
                "expires_at",
                "verified_at",
                "confirmed_at",
                "review_reasons",
                "review_note",
            ),
        )


async def run(url: str, count: int, workers: int) -> float:
    await migrate(url)
    workdir = Path(tempfile.mkdtemp())
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WALLET_DATABASE_URL": url,
        "WALLET_SMS_BACKEND": "file",
        "WALLET_SMS_FILE": str(workdir / "sms.jsonl"),
        "WALLET_WORKER_INTERVAL_SECONDS": "0.2",
    }
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "server.cli",
            "worker",
            cwd=workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        await asyncio.sleep(4)  # started and idle
        db = await asyncpg.connect(driver_url(url))
        await due_requests(db, count)
        began = time.perf_counter()
        while (
            await db.fetchval("SELECT count(*) FROM closure_request WHERE state = 'COMPLETED'")
            < count
        ):
            if any(p.returncode is not None for p in processes):
                sys.exit("a worker process ended")
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - began
        closed = await db.fetchval("SELECT count(*) FROM account WHERE status = 'CLOSED'")
        notices = await db.fetchval(
            "SELECT count(*) FROM outbox_message WHERE purpose = 'CLOSURE_COMPLETED'"
        )
        await db.close()
        assert closed == notices == count, (closed, notices)  # each exactly once
        return elapsed
    finally:
        for process in processes:
            process.terminate()
            await process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--base",
        default="postgres://postgres@127.0.0.1:5432/test",
        help="a database beside which each run makes and drops its own",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"{'requests':>9} {'workers':>8} {'seconds':>8} {'completions/s':>14}")
    for workers in args.workers:
        for count in args.sizes:
            with scratch_database(args.base) as url:
                seconds = asyncio.run(run(url, count, workers))
            print(f"{count:>9,} {workers:>8} {seconds:>8.1f} {count / seconds:>14.0f}", flush=True)


if __name__ == "__main__":
    main()
