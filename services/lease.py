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
    """The connection of one request's statements, one statement (or transaction) at a time.
    Statements mostly follow each other: only a sibling task's statement finds it busy and
    waits (on `freed`, made for the occasion) for the one running to give it back."""

    __slots__ = ("busy", "connection", "ended", "freed", "pool")

    def __init__(self) -> None:
        self.connection: Any = None  # asyncpg's pooled connection, once a statement needs it
        self.pool: Any = None  # the asyncpg pool it came from
        self.busy = False  # a statement runs on it
        self.freed: asyncio.Event | None = None  # set when a busy connection is given back
        self.ended = False

    async def take(self, pool: Any) -> Any:
        """The leased connection, held until `give_back`; None when the lease ended
        meanwhile (a task that outlived its request: it takes from the pool)."""
        await self._until_free()
        if self.ended:
            return None
        self.busy = True
        if self.connection is None:
            try:
                self.connection, self.pool = await pool.acquire(), pool
            except BaseException:
                self._free()
                raise
        return self.connection

    def give_back(self, connection: Any) -> bool:
        """Whether `connection` was the leased one (any other was taken from the pool after
        the lease ended, and goes back there)."""
        if connection is not self.connection or self.ended:
            return False
        self._free()
        return True

    async def end(self) -> None:
        """After the statement a sibling task may still run, the connection back to the pool."""
        await self._until_free()
        self.ended = True
        if self.connection is not None:
            await self.pool.release(self.connection)

    def _free(self) -> None:
        self.busy = False
        if self.freed is not None:  # each waiter wakes; the first to run takes it
            self.freed.set()
            self.freed = None

    async def _until_free(self) -> None:
        while self.busy:
            if self.freed is None:
                self.freed = asyncio.Event()
            async with asyncio.timeout(WAIT_SECONDS):
                await self.freed.wait()


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
        await self.lease.end()


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
        if lease is None or not lease.give_back(connection):
            await self.pool.release(connection)


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
        if not self.lease.give_back(self.connection):
            await self.pool.release(self.connection)
