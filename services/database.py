"""The little that differs between SQLite and PostgreSQL, and hand-written SQL for hot reads."""

import functools
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
from opentelemetry.trace import SpanKind
from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.context import require_context

from services import tracing
from services.tortoise_private import asyncpg_pool, sqlite_connection, sqlite_lock


def default_client() -> BaseDBAsyncClient:
    """Tortoise's client of the default connection (a transaction's, inside one), the way
    Tortoise recommends (`connections.get` costs a microsecond more, an import per call)."""
    return require_context().connections.get("default")


def is_postgres(connection: BaseDBAsyncClient) -> bool:
    return connection.capabilities.dialect == "postgres"


async def lock_for_transaction(connection: BaseDBAsyncClient, key: int) -> None:
    """Serialise transactions that take the same key, until they commit.

    SQLite has one writer at a time already; PostgreSQL needs an advisory lock.
    """
    if is_postgres(connection):
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [key])


async def scrub_freed_space(
    connection: BaseDBAsyncClient, tables: list[str], *, rewrite: bool = False
) -> None:
    """Make erased rows unreadable in the database files too (outside any transaction).

    SQLite zeroes freed content itself (secure_delete); its write-ahead log holds old pages
    until a checkpoint. PostgreSQL prunes dead row versions with VACUUM but never zeroes the
    space they leave: only rewriting the tables (`rewrite`, VACUUM FULL, which locks them
    while it runs) takes the bytes out of its files.
    """
    if is_postgres(connection):
        await connection.execute_script(f"VACUUM {'FULL ' if rewrite else ''}{', '.join(tables)}")
    else:
        await connection.execute_script("PRAGMA wal_checkpoint(TRUNCATE)")


async def fetch(sql: str, *values: Any) -> list[Any]:
    """The rows of hand-written SQL for the reads of every request: no query builder, no
    model objects. `{}` marks each value, in order. Inside a transaction it runs on that
    transaction's connection; outside one, on the driver under Tortoise's own connection."""
    connection = default_client()
    postgres = is_postgres(connection)
    text = dialect_sql(sql, postgres)
    if not postgres:  # sqlite3 adapts datetimes (Tortoise registers it) but not UUIDs
        values = tuple(str(v) if isinstance(v, UUID) else v for v in values)
    driver = asyncpg_pool(connection) if postgres else sqlite_connection(connection)
    if isinstance(connection, TransactionalDBClient) or driver is None:  # Tortoise connects
        return list((await connection.execute_query(text, list(values)))[1])
    name, attributes = statement_span(text, postgres)
    # Tortoise's own statements have their spans from its instrumentation (server/tracing.py)
    with tracing.span(name, kind=SpanKind.CLIENT, attributes=attributes):
        if postgres:
            async with driver.acquire() as pooled:
                rows: list[Any] = await pooled.fetch(text, *values)  # a list already
                return rows
        return await _read_sqlite(connection, text, values)


@functools.cache
def statement_span(text: str, postgres: bool) -> tuple[str, dict[str, str]]:
    """A statement's span name and attributes, made once per statement (and never while
    tracing is off, but for the lookup)."""
    return text.split(None, 1)[0].upper(), {
        "db.system.name": "postgresql" if postgres else "sqlite",
        "db.query.text": text,
    }


async def _read_sqlite(client: BaseDBAsyncClient, text: str, values: tuple[Any, ...]) -> list[Any]:
    """Tortoise holds its lock on SQLite's one connection for each statement and for a whole
    transaction. A read only has to keep out of a transaction, so it takes the lock only when
    someone holds it: aiosqlite runs statements in the order they were sent, so a read sent
    while the lock is free runs before any transaction that takes it later, and reads no longer
    wait for each other."""
    lock, connection = sqlite_lock(client), sqlite_connection(client)
    if lock.locked():
        async with lock:
            return list(await connection.execute_fetchall(text, values))
    return list(await connection.execute_fetchall(text, values))


@functools.cache
def dialect_sql(sql: str, postgres: bool) -> str:
    marks = (f"${n}" if postgres else "?" for n in range(1, sql.count("{}") + 1))
    return sql.format(*marks)


def read_uuid(value: UUID | str) -> UUID:
    """A UUID column: native on PostgreSQL, text on SQLite."""
    return value if isinstance(value, UUID) else UUID(value)


def read_time(value: datetime | str) -> datetime:
    """A timestamp column: native on PostgreSQL, ISO text on SQLite."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def is_unavailable(error: BaseException) -> bool:
    """The database is briefly gone (restarting, failing over, unreachable): a client may
    retry the same request in a moment. Anything else is a fault of ours."""
    gone = (
        ConnectionError,
        TimeoutError,
        asyncpg.PostgresConnectionError,
        asyncpg.CannotConnectNowError,
        asyncpg.AdminShutdownError,
        asyncpg.CrashShutdownError,
        asyncpg.TooManyConnectionsError,
    )
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, gone) or (
            isinstance(current, asyncpg.InterfaceError) and "connection is closed" in str(current)
        ):
            return True
        current = current.__cause__ or current.__context__
    return False
