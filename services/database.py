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
