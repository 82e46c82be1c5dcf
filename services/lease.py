"""One pooled PostgreSQL connection for the statements of a request (`one_connection`).

asyncpg's acquire and release cost as much as a round trip each (a timer, a future and a
shielded task apiece), and a query's statements follow each other: under a lease, its first
statement takes a connection from the pool and the others reuse it; the lease gives it back
at the end. Tortoise's statements and transactions get the leased connection too
(`LeasingPool` is the pool under Tortoise's client, services/postgres_engine.py), one
statement at a time, so that a request never holds one connection while it waits for
another: with every connection so held, that wait would never end.
"""

import asyncio
from contextvars import ContextVar
from types import TracebackType
from typing import Any

# Longer than any statement of a request waits for its sibling's: two holders waiting on
# each other (a bug), reported as a timeout instead of a request that never ends.
WAIT_SECONDS = 30.0


class Lease:
    __slots__ = ("connection", "ended", "lock", "pool")

    def __init__(self) -> None:
        self.connection: Any = None  # asyncpg's pooled connection, once a statement needs it
        self.pool: Any = None  # the asyncpg pool it came from
        self.lock = asyncio.Lock()  # one statement (or transaction) on it at a time
        self.ended = False

    async def take(self, pool: Any) -> Any:
        """The leased connection, held until `give_back`; None when the lease ended
        meanwhile (a task that outlived its request: it takes from the pool)."""
        if self.lock.locked():
            async with asyncio.timeout(WAIT_SECONDS):
                await self.lock.acquire()
        else:
            await self.lock.acquire()
        if self.ended:
            self.lock.release()
            return None
        if self.connection is None:
            try:
                self.connection, self.pool = await pool.acquire(), pool
            except BaseException:
                self.lock.release()
                raise
        return self.connection

    async def give_back(self, connection: Any, pool: Any) -> None:
        """The leased connection back to the lease; any other (taken from the pool after the
        lease ended) back to the pool."""
        if connection is self.connection and not self.ended:
            self.lock.release()
        else:
            await pool.release(connection)


_lease: ContextVar[Lease | None] = ContextVar("lease", default=None)


class one_connection:
    """The statements inside share one pooled connection (PostgreSQL; SQLite has one)."""

    __slots__ = ("lease", "token")

    async def __aenter__(self) -> None:
        self.lease = Lease()
        self.token = _lease.set(self.lease)

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _lease.reset(self.token)
        lease = self.lease
        if lease.connection is None:
            lease.ended = True
            return
        await lease.lock.acquire()  # after a statement that a sibling task still runs
        lease.ended = True
        lease.lock.release()
        await lease.pool.release(lease.connection)


class LeasingPool:
    """asyncpg's pool, except that under a lease `acquire` gives the leased connection (and
    `release` hands it back to the lease). Tortoise awaits `acquire()`; `fetch` enters it."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def __getattr__(self, name: str) -> Any:  # close, terminate, expire_connections, ...
        return getattr(self.pool, name)

    def acquire(self) -> Any:
        lease = _lease.get()
        if lease is None or lease.ended:
            return self.pool.acquire()
        return _Taking(lease, self.pool)

    async def release(self, connection: Any) -> None:
        lease = _lease.get()
        if lease is None:
            await self.pool.release(connection)
        else:
            await lease.give_back(connection, self.pool)


class _Taking:
    """`await` it or `async with` it, as asyncpg's own acquire."""

    __slots__ = ("connection", "lease", "pool")

    def __init__(self, lease: Lease, pool: Any) -> None:
        self.lease, self.pool, self.connection = lease, pool, None

    def __await__(self) -> Any:
        return self.__aenter__().__await__()

    async def __aenter__(self) -> Any:
        taken = await self.lease.take(self.pool)
        self.connection = taken if taken is not None else await self.pool.acquire()
        return self.connection

    async def __aexit__(self, *_: object) -> None:
        await self.lease.give_back(self.connection, self.pool)
