"""Customers behind one carrier NAT: 30 customers from one address log in at once, over and
over, for a while, against two `serve` processes on one PostgreSQL database; each with their
own account and mostly the right password, now and then a typo on a phone with no account.
Prints how many right passwords were refused (the second release refused 166 of 1,056 in
three minutes) and what the address counter holds.

    python bench/nat.py [--seconds 60] [--clients 30]   (WALLET_BENCH_DATABASE_URL or the
                                                          local PostgreSQL)
"""

import argparse
import asyncio
import os
import random
import threading
import time
import urllib.error
from collections import Counter

import asyncpg
from argon2 import PasswordHasher
from harness import graphql, post, scratch_database, serving
from seed import seed_accounts

from server.database import driver_url
from tests.operations import LOGIN_WITH_PASSWORD

PASSWORD = "Seeded-pass-1"  # noqa: S105 - the seeded accounts' own


def client(root: str, n: int, until: float, right: Counter[str], typos: Counter[str]) -> None:
    while time.monotonic() < until:
        typo = random.random() < 0.1
        phone, password = (
            (f"1371{random.randrange(10**7):07d}", "Typo-pass-1")
            if typo
            else (f"139{n:08d}", PASSWORD)
        )
        try:
            answer = post(
                f"{root}/graphql",
                graphql(
                    LOGIN_WITH_PASSWORD,
                    {"input": {"phone": phone, "password": password, "deviceName": "nat"}},
                ),
            )
        except (urllib.error.URLError, TimeoutError) as error:
            (typos if typo else right)[type(error).__name__] += 1
            continue
        errors = answer["data"]["loginWithPassword"]["errors"]
        (typos if typo else right)[errors[0]["code"] if errors else "ok"] += 1


async def seed(url: str, count: int) -> None:
    connection = await asyncpg.connect(driver_url(url))
    try:
        await seed_accounts(connection, count, PasswordHasher().hash(PASSWORD))
    finally:
        await connection.close()


async def address_failures(url: str) -> list[int]:
    connection = await asyncpg.connect(driver_url(url))
    try:
        return [
            r["failures"]
            for r in await connection.fetch(
                "SELECT failures FROM password_throttle ORDER BY failures DESC LIMIT 3"
            )
        ]
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=30)
    args = parser.parse_args()
    base = os.environ.get("WALLET_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    with scratch_database(base) as url, serving(url, demo_data=False, processes=2) as (root, _):
        asyncio.run(seed(url, args.clients))
        right: Counter[str] = Counter()
        typos: Counter[str] = Counter()
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(root, n, until, right, typos))
            for n in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        counters = asyncio.run(address_failures(url))
    print(f"{args.clients} clients from one address, {args.seconds:.0f} s, two serve processes")
    print(f"right passwords: {sum(right.values())} answered: {dict(right)}")
    print(f"typos on unknown phones: {sum(typos.values())} answered: {dict(typos)}")
    print(f"largest counters (the address's first): {counters}")


if __name__ == "__main__":
    main()
