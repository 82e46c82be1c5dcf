"""Tortoise configuration and the migrations that bring a database up to date."""

import zlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.api import migrate as tortoise_migrate
from tortoise.migrations.autodetector import MigrationAutodetector

import models.migrations as migrations_package
from services import database as services_database

# Any constant works; it only has to be the same in every process.
MIGRATION_LOCK = zlib.crc32(b"wallet-closure migrations")


# Per process, unless the URL says otherwise (`?minsize=..&maxsize=..`): one core's worth of
# requests keeps about this many queries in flight; `serve --workers N` opens N times as many.
POOL_MIN, POOL_MAX = 2, 10
POOL_PARAMETERS = ("minsize", "maxsize", "max_queries", "max_inactive_connection_lifetime")
# `?pgbouncer=true`: the URL leads to PgBouncer in transaction pooling, where a server
# connection serves one transaction and then another client, so nothing may outlive a
# transaction on it: no prepared statements cached by asyncpg, no session advisory locks (the
# migration takes its lock on WALLET_MIGRATION_DATABASE_URL, straight to PostgreSQL).
PGBOUNCER = "pgbouncer"
POSTGRES_ENGINE = "services.postgres_engine"  # Tortoise's asyncpg client, leasing connections


def behind_pgbouncer(database_url: str) -> bool:
    return dict(parse_qsl(urlsplit(database_url).query)).get(PGBOUNCER) == "true"


def _without(database_url: str, names: tuple[str, ...]) -> str:
    url = urlsplit(database_url)
    query = [(k, v) for k, v in parse_qsl(url.query) if k not in names]
    return urlunsplit(url._replace(query=urlencode(query)))


def tortoise_config(database_url: str) -> dict[str, Any]:
    connection = expand_db_url(_without(database_url, (PGBOUNCER,)))
    if is_postgres(database_url):
        connection["engine"] = POSTGRES_ENGINE
        connection["credentials"].setdefault("minsize", POOL_MIN)
        connection["credentials"].setdefault("maxsize", POOL_MAX)
        connection["credentials"]["reset"] = keep_session
        if behind_pgbouncer(database_url):
            connection["credentials"]["statement_cache_size"] = 0
    if connection["engine"] == "tortoise.backends.sqlite":
        # Deleted and overwritten content is zeroed, so purged personal data is gone
        # from the database file, not only from query results.
        connection["credentials"].setdefault("secure_delete", "ON")
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": ["models"],
                "migrations": "models.migrations",
                "default_connection": "default",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def keep_session(_: asyncpg.Connection) -> None:
    """A pooled connection goes back as it is: asyncpg rolls back what a transaction left
    open either way, and its default reset (close cursors, unlisten, reset settings, unlock
    session advisory locks) would cost a round trip on every release for state nothing here
    makes (the migrations' session lock is on a connection of its own)."""


def is_postgres(database_url: str) -> bool:
    return database_url.startswith(("postgres://", "postgresql://", "asyncpg://"))


async def migrate(database_url: str) -> None:
    """Apply the committed migrations; on PostgreSQL one process at a time (under a session
    advisory lock: give the direct URL, never one through PgBouncer)."""
    if not is_postgres(database_url):
        await _migrate(database_url)
        return
    if behind_pgbouncer(database_url):
        raise ValueError(
            "migrations need a session of their own: set "
            "WALLET_MIGRATION_DATABASE_URL to PostgreSQL itself"
        )
    # The advisory lock lives on its own connection, outside Tortoise's pool, so that
    # a second `serve` starting at the same moment waits instead of migrating twice.
    lock = await asyncpg.connect(driver_url(database_url))
    try:
        await lock.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        await _migrate(database_url)
    finally:
        await lock.close()


def driver_url(database_url: str) -> str:
    """The URL as asyncpg itself takes it: without Tortoise's pool parameters."""
    return _without(
        database_url.replace("asyncpg://", "postgres://", 1), (*POOL_PARAMETERS, PGBOUNCER)
    )


async def _migrate(database_url: str) -> None:
    try:
        await tortoise_migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


def committed_migrations() -> list[str]:
    folder = Path(migrations_package.__file__).parent
    return sorted(p.stem for p in folder.glob("[0-9][0-9][0-9][0-9]_*.py"))


async def pending_migrations(connection: BaseDBAsyncClient) -> list[str]:
    """Committed migrations this database has not applied yet."""
    _, rows = await connection.execute_query(
        "SELECT name FROM tortoise_migrations WHERE app = 'models'"
    )
    applied = {row["name"] for row in rows}
    return [name for name in committed_migrations() if name not in applied]


async def pending_model_changes() -> list[Any]:
    """Migration writers for whatever the models have that the migrations lack."""
    config = tortoise_config("sqlite://:memory:")
    async with tortoise_cli_context(config) as context:
        assert context.apps is not None
        return await MigrationAutodetector(context.apps, config["apps"]).changes()


async def make_migrations(name: str | None = None) -> list[str]:
    written = []
    for writer in await pending_model_changes():
        if name:
            writer.name = f"{writer.name.split('_', 1)[0]}_{name}"
        written.append(str(writer.write()))
    return written


def is_unreachable(error: BaseException) -> bool:
    """The database cannot be used at all: it does not exist, refuses the password, or no
    server answers (as opposed to a fault while using it)."""
    return (
        services_database.is_unavailable(error)
        or isinstance(
            error,
            (
                asyncpg.InvalidCatalogNameError,
                asyncpg.InvalidPasswordError,
                asyncpg.InvalidAuthorizationSpecificationError,
                OSError,
            ),
        )
        or isinstance(
            error.__cause__,
            (
                asyncpg.InvalidCatalogNameError,
                asyncpg.InvalidPasswordError,
                asyncpg.InvalidAuthorizationSpecificationError,
                OSError,
            ),
        )
    )


def why(error: BaseException) -> str:
    cause = error.__cause__ or error
    return f"{type(cause).__name__}: {cause}".splitlines()[0]


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))
