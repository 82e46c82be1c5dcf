"""A query's statements share one pooled connection (services/lease.py): the hand-written
reads, Tortoise's statements and its transactions alike; a request never waits for a second
connection while it holds one, however few the pool has; and a task that outlives its
request goes back to the pool."""

import asyncio
import contextvars

import asyncpg
import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from server.database import driver_url
from services.database import fetch
from services.identity.accounts import cards_and_devices
from services.lease import LeasingPool, one_connection
from services.runtime import Runtime
from services.tortoise_private import asyncpg_pool
from tests import factories

PID = "SELECT pg_backend_pid() AS pid"


async def read_pid() -> int:
    return int((await fetch(PID))[0]["pid"])


async def tortoise_pid() -> int:
    _, rows = await connections.get("default").execute_query(PID)
    return int(rows[0]["pid"])


async def held_elsewhere(release: asyncio.Event) -> None:
    """Someone else's request (a context without the lease) holds a connection meanwhile."""
    pool = asyncpg_pool(connections.get("default"))
    async with pool.acquire():
        await release.wait()


@pytest.mark.postgres
async def test_a_query_s_statements_share_one_connection(orm: str) -> None:
    release = asyncio.Event()
    async with one_connection():
        first = await read_pid()
        # asyncpg's pool hands out the connection given back last: without the lease, the
        # next statement would get another one than the first
        other = asyncio.create_task(held_elsewhere(release), context=contextvars.Context())
        await asyncio.sleep(0.05)
        pids = [await tortoise_pid(), await read_pid()]
        async with in_transaction() as transaction:
            _, rows = await transaction.execute_query(PID)
            pids.append(int(rows[0]["pid"]))
        siblings = await asyncio.gather(read_pid(), tortoise_pid(), read_pid())
    release.set()
    await other

    assert set(pids) | set(siblings) == {first}


@pytest.mark.postgres
async def test_requests_never_wait_on_each_other_for_a_second_connection(orm: str) -> None:
    # One connection for four requests, each with reads, statements of Tortoise's kind
    # (`await acquire()`, `release()`) and siblings: each holds at most the one it leased.
    raw = await asyncpg.create_pool(driver_url(orm), min_size=1, max_size=1)
    pool = LeasingPool(raw)

    async def statement(n: int) -> int:
        async with pool.acquire() as connection:
            return int(await connection.fetchval("SELECT $1::int", n))

    async def tortoise_style(n: int) -> int:
        connection = await pool.acquire()
        try:
            return int(await connection.fetchval("SELECT $1::int", n))
        finally:
            await pool.release(connection)

    async def request(n: int) -> list[int]:
        async with one_connection():
            first = await statement(n)
            await asyncio.sleep(0.01)  # the others start and want a connection meanwhile
            return [first, await tortoise_style(n), *await asyncio.gather(*[statement(n)] * 3)]

    try:
        answers = await asyncio.wait_for(asyncio.gather(*map(request, range(4))), 10)
    finally:
        await raw.close()

    assert answers == [[n] * 5 for n in range(4)]


@pytest.mark.postgres
async def test_a_task_that_outlives_its_request_takes_from_the_pool(orm: str) -> None:
    go = asyncio.Event()

    async def later() -> int:
        await go.wait()
        return await read_pid()

    async with one_connection():
        await read_pid()
        task = asyncio.create_task(later())
    go.set()  # the leased connection is back in the pool by now

    assert await asyncio.wait_for(task, 5) > 0


@pytest.mark.postgres
async def test_a_statement_cancelled_while_it_waits_leaves_the_connection_to_the_rest(
    orm: str,
) -> None:
    async with one_connection():
        first = await read_pid()
        slow = asyncio.create_task(fetch("SELECT pg_sleep(0.2)"))
        await asyncio.sleep(0.05)  # the slow one runs on the leased connection
        waiting = asyncio.create_task(read_pid())
        await asyncio.sleep(0.01)
        waiting.cancel()
        await slow
        # then the next statements run at once, on the same connection
        after = await asyncio.wait_for(asyncio.gather(read_pid(), read_pid()), 5)

    assert waiting.cancelled() and after == [first, first]


async def test_reads_under_a_lease_are_the_same_reads(orm: str, runtime: Runtime) -> None:
    account = await factories.account(runtime, fen=0, card_last4="1111")
    outside = await cards_and_devices(runtime, account.id)
    async with one_connection():
        inside = await cards_and_devices(runtime, account.id)
    assert inside == outside and [card.last4 for card in inside[0]] == ["1111"]
