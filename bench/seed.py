"""Fill a PostgreSQL database for the scale runs: the demo data, then `--accounts` customers
each with a bank card, a live session and a settled top-up (ledger legs and kept balance
agree), by COPY in batches; `--heavy-entries` more wallet legs for demo customer 13800000001.

    .venv/bin/python bench/seed.py --database-url postgres://postgres@127.0.0.1:5432/wallet_1m \\
        --accounts 1000000 --heavy-entries 100000

The database is created if it does not exist. Afterwards `wallet-closure verify-ledger` holds
(the seeded customers have no audit entries: the chain stays the demo data's).
"""

import argparse
import asyncio
import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import asyncpg
from argon2 import PasswordHasher

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.database import driver_url  # noqa: E402

BATCH = 50_000
TOP_UP_FEN = 10_000
LEG = (
    "movement_id",
    "account_id",
    "book",
    "amount_fen",
    "kind",
    "status",
    "created_at",
    "settled_at",
)


async def create_database(url: str) -> None:
    base, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(driver_url(base + "/postgres"))
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()


def demo_data(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "server.cli", "demo-data"],
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "WALLET_DATABASE_URL": url},
    )


def top_up(account_id: UUID, fen: int, at: datetime) -> list[tuple]:
    movement = uuid4()
    return [
        (movement, account_id, "TOP_UP_CLEARING", -fen, "TOP_UP", "SETTLED", at, at),
        (movement, account_id, "WALLET", fen, "TOP_UP", "SETTLED", at, at),
    ]


def payment(account_id: UUID, fen: int, at: datetime) -> list[tuple]:
    movement = uuid4()
    return [
        (movement, account_id, "WALLET", -fen, "PAYMENT", "SETTLED", at, at),
        (movement, account_id, "PAYOUT_CLEARING", fen, "PAYMENT", "SETTLED", at, at),
    ]


async def seed_accounts(db: asyncpg.Connection, count: int, password_hash: str) -> None:
    now = datetime.now(UTC)
    have = await db.fetchval("SELECT count(*) FROM account WHERE phone LIKE '+86139%'")
    for start in range(have, count, BATCH):
        began = time.perf_counter()
        ids = [uuid4() for _ in range(start, min(start + BATCH, count))]
        accounts = [
            (account_id, f"+86139{start + i:08d}", "", password_hash, "ACTIVE", "zh-CN", now, False)
            for i, account_id in enumerate(ids)
        ]
        cards = [
            (uuid4(), a, "中国邮政储蓄银行", f"{n % 10_000:04d}", now) for n, a in enumerate(ids)
        ]
        sessions = [
            (uuid4(), a, secrets.token_hex(32), "seeded phone", now, now, now + timedelta(days=30))
            for a in ids
        ]
        legs = [leg for a in ids for leg in top_up(a, TOP_UP_FEN, now)]
        balances = [(a, TOP_UP_FEN, 0) for a in ids]
        async with db.transaction():
            await db.copy_records_to_table(
                "account",
                records=accounts,
                columns=(
                    "id",
                    "phone",
                    "display_name",
                    "password_hash",
                    "status",
                    "locale",
                    "created_at",
                    "legal_hold",
                ),
            )
            await db.copy_records_to_table(
                "bank_card",
                records=cards,
                columns=("id", "account_id", "bank_name", "last4", "bound_at"),
            )
            await db.copy_records_to_table(
                "session",
                records=sessions,
                columns=(
                    "id",
                    "account_id",
                    "token_hash",
                    "device_name",
                    "created_at",
                    "last_seen_at",
                    "expires_at",
                ),
            )
            await db.copy_records_to_table("ledger_entry", records=legs, columns=LEG)
            await db.copy_records_to_table(
                "wallet_balance",
                records=balances,
                columns=("account_id", "settled_fen", "pending_out_fen"),
            )
        print(
            f"accounts {start + len(ids):>9,} ({time.perf_counter() - began:.1f} s a batch)",
            flush=True,
        )


async def seed_heavy(db: asyncpg.Connection, phone: str, entries: int) -> None:
    """Money in and out again (the balance does not move), two legs a movement."""
    account_id = await db.fetchval("SELECT id FROM account WHERE phone = $1", phone)
    have = await db.fetchval("SELECT count(*) FROM ledger_entry WHERE account_id = $1", account_id)
    at = datetime.now(UTC) - timedelta(days=365)
    legs = []
    for n in range(max(0, entries - have) // 4):
        legs += top_up(account_id, 100, at + timedelta(minutes=2 * n))
        legs += payment(account_id, 100, at + timedelta(minutes=2 * n + 1))
    await db.copy_records_to_table("ledger_entry", records=legs, columns=LEG)
    print(f"{phone}: {have + len(legs):,} ledger entries")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--heavy-entries", type=int, default=0)
    args = parser.parse_args()
    began = time.perf_counter()
    await create_database(args.database_url)
    demo_data(args.database_url)
    db = await asyncpg.connect(driver_url(args.database_url))
    try:
        await seed_accounts(db, args.accounts, PasswordHasher().hash("Seeded-pass-1"))
        if args.heavy_entries:
            await seed_heavy(db, "+8613800000001", args.heavy_entries)
        await db.execute("ANALYZE")
    finally:
        await db.close()
    print(f"seeded in {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    asyncio.run(main())
