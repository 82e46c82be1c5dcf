"""What the project uses of Tortoise beyond its public API, checked when the server starts
(`problems`); pyproject.toml bounds Tortoise to the minor version it was read from.

- A PostgreSQL client's `_pool` (asyncpg's pool): the hot reads take a connection from it
  without Tortoise's wrapper (services/database.py).
- A PostgreSQL client's `create_pool`, whose pool Tortoise's statements (`PoolConnectionWrapper`)
  and transactions (`TransactionContextPooled`) take connections from with `await
  _pool.acquire()` and give back with `await _pool.release(...)`: services/postgres_engine.py
  puts the leasing pool there (services/lease.py).
- A SQLite client's `_connection` (aiosqlite's one connection) and `_lock`, the lock Tortoise
  holds on it for each statement and for a whole transaction.
"""

import asyncio
from typing import Any

from tortoise.backends import base
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.sqlite.client import SqliteClient


def asyncpg_pool(client: BaseDBAsyncClient) -> Any:
    """asyncpg's pool under a PostgreSQL client (None until it connects)."""
    return client._pool


def sqlite_connection(client: BaseDBAsyncClient) -> Any:
    """aiosqlite's connection under a SQLite client (None until it connects)."""
    return client._connection


def sqlite_lock(client: BaseDBAsyncClient) -> asyncio.Lock:
    return client._lock  # type: ignore[attr-defined, no-any-return]


def problems() -> list[str]:
    found = []
    sqlite = SqliteClient(file_path=":memory:", connection_name="check")
    if not hasattr(sqlite, "_connection"):
        found.append("tortoise: SqliteClient has no _connection")
    if not isinstance(getattr(sqlite, "_lock", None), asyncio.Lock):
        found.append("tortoise: SqliteClient has no _lock")
    postgres = AsyncpgDBClient(database="check", connection_name="check")
    if not hasattr(postgres, "_pool"):
        found.append("tortoise: AsyncpgDBClient has no _pool")
    if not hasattr(AsyncpgDBClient, "create_pool"):
        found.append("tortoise: AsyncpgDBClient has no create_pool")
    for pooled in ("PoolConnectionWrapper", "TransactionContextPooled"):
        if not hasattr(base.client, pooled):
            found.append(f"tortoise: no {pooled} takes connections from the pool")
    return found
