"""The little that differs between SQLite and PostgreSQL."""

from tortoise.backends.base.client import BaseDBAsyncClient


def is_postgres(connection: BaseDBAsyncClient) -> bool:
    return connection.capabilities.dialect == "postgres"


async def lock_for_transaction(connection: BaseDBAsyncClient, key: int) -> None:
    """Serialise transactions that take the same key, until they commit.

    SQLite has one writer at a time already; PostgreSQL needs an advisory lock.
    """
    if is_postgres(connection):
        await connection.execute_query("SELECT pg_advisory_xact_lock($1)", [key])
