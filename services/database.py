"""The little that differs between SQLite and PostgreSQL, and hand-written SQL for hot reads."""

import functools
from datetime import datetime
from typing import Any
from uuid import UUID

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


def is_postgres(connection: BaseDBAsyncClient) -> bool:
    return connection.capabilities.dialect == "postgres"


async def lock_for_transaction(connection: BaseDBAsyncClient, key: int) -> None:
    """Serialise transactions that take the same key, until they commit.

    SQLite has one writer at a time already; PostgreSQL needs an advisory lock.
    """
    if is_postgres(connection):
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [key])


async def scrub_freed_space(connection: BaseDBAsyncClient, tables: list[str], *,
                            rewrite: bool = False) -> None:
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
    """The rows of hand-written SQL on Tortoise's own connection (inside a transaction, that
    transaction's), for the reads of every request: no query builder, no model objects.
    `{}` marks each value, in order."""
    connection = connections.get("default")
    postgres = is_postgres(connection)
    if not postgres:  # sqlite3 adapts datetimes (Tortoise registers it) but not UUIDs
        values = tuple(str(v) if isinstance(v, UUID) else v for v in values)
    return list((await connection.execute_query(dialect_sql(sql, postgres), list(values)))[1])


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
