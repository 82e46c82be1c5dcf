"""Real databases: a SQLite file, or PostgreSQL when WALLET_TEST_DATABASE_URL names one
(through PgBouncer when it says `?pgbouncer=true`: then WALLET_TEST_DIRECT_DATABASE_URL names
PostgreSQL itself, for what needs a session: making the database and migrating it).

The schema comes from the committed migrations (the production path), once per run;
every test then starts from empty tables.
"""

import functools
import os
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from graphlib import TopologicalSorter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from tortoise import Tortoise
from tortoise.models import Model
from tortoise.transactions import in_transaction

import models
from server.app import create_app
from server.database import driver_url, is_postgres, migrate, tortoise_config
from server.settings import Settings
from server.worker import Worker
from services.clock import FakeClock
from services.money.payouts import SimulatedBank
from services.notify.sms import FileSms
from services.passwords import Passwords
from services.runtime import Runtime
from tests.helpers import GraphQL

TEST_SECRET = b"test-secret-key"
PAYOUT_SECRET = b"the-bank-and-us"
CAPTCHA_TEST_ANSWER = "TEST"
# One hasher for the run: tests pay for argon2 only where they test it (test_passwords.py).
CHEAP_PASSWORDS = Passwords.cheap()
MODELS = [m for m in vars(models).values() if isinstance(m, type) and issubclass(m, Model)]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs PostgreSQL (several connections at once)")
    config.addinivalue_line(
        "markers",
        "own_sqlite: uses no database of the suite's (the project in processes on a SQLite "
        "file of its own, or no database at all): the SQLite pass runs it, the PostgreSQL "
        "pass leaves it out",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if is_postgres(os.environ.get("WALLET_TEST_DATABASE_URL", "")):
        twice = [item for item in items if "own_sqlite" in item.keywords]
        if twice:  # the same run as on the SQLite pass: nothing of PostgreSQL in it
            config.hook.pytest_deselected(items=twice)
            items[:] = [item for item in items if "own_sqlite" not in item.keywords]
        return
    skip = pytest.mark.skip(reason="races need PostgreSQL; runs with WALLET_TEST_DATABASE_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
async def database_url(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    base = os.environ.get("WALLET_TEST_DATABASE_URL")
    if not base or not is_postgres(base):
        url = f"sqlite://{tmp_path_factory.mktemp('db') / 'wallet.sqlite3'}"
        await migrate(url)
        yield url
        return
    name = f"wallet_test_{uuid.uuid4().hex[:12]}"
    direct = os.environ.get("WALLET_TEST_DIRECT_DATABASE_URL", base)
    admin = await asyncpg.connect(driver_url(direct))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url, direct_url = (with_database(u, name) for u in (base, direct))
    try:
        await migrate(direct_url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def with_database(url: str, name: str) -> str:
    """The same server (and options, such as ?pgbouncer=true) with another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
async def orm(database_url: str) -> AsyncIterator[str]:
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    yield database_url
    await Tortoise.close_connections()


@functools.cache
def emptying_script(postgres: bool) -> str:
    """A DELETE for every table, each after the tables that refer to it (known once Tortoise
    has linked the models). Not TRUNCATE: on PostgreSQL it costs ~150 ms (new files for every
    table), and this runs before every test; the sequences start again as TRUNCATE's RESTART
    IDENTITY did."""
    referring: dict[type[Model], set[type[Model]]] = {m: set() for m in MODELS}
    for model in MODELS:
        for name in model._meta.fk_fields | model._meta.o2o_fields:
            target = model._meta.fields_map[name].related_model
            if target is not model:
                referring[target].add(model)
    order = TopologicalSorter(referring).static_order()
    deletes = "".join(f"DELETE FROM {m._meta.db_table};" for m in order)
    if not postgres:
        return deletes
    return deletes + (
        "SELECT setval(format('%I.%I', schemaname, sequencename), 1, false) "
        "FROM pg_sequences WHERE schemaname = current_schema();"
    )


@pytest.fixture(autouse=True)
async def clean_tables(orm: str) -> None:
    async with in_transaction() as connection:
        await connection.execute_script(emptying_script(is_postgres(orm)))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def runtime(clock: FakeClock) -> Runtime:
    return Runtime(
        clock=clock,
        secret=TEST_SECRET,
        captcha_test_answer=CAPTCHA_TEST_ANSWER,
        passwords=CHEAP_PASSWORDS,
    )


@pytest.fixture
def sms(tmp_path: Path) -> FileSms:
    return FileSms(tmp_path / "sms.jsonl")


@pytest.fixture
def worker(runtime: Runtime, sms: FileSms) -> Worker:
    return Worker(runtime, sms, SimulatedBank(timedelta(seconds=5)), interval_seconds=5)


@pytest.fixture
async def api(orm: str, runtime: Runtime, worker: Worker, sms: FileSms) -> AsyncIterator[GraphQL]:
    settings = Settings(
        database_url=orm,
        secret_key=TEST_SECRET.decode(),
        payout_webhook_secret=PAYOUT_SECRET.decode(),
    )
    app = create_app(settings, runtime, manage_orm=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://wallet.test") as client:
        yield GraphQL(app, client, worker, sms)
