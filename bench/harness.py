"""What the benchmark scripts share: a scratch PostgreSQL database, a `serve` process of the
project, and a login through the contract's operation."""

import asyncio
import contextlib
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.database import driver_url  # noqa: E402
from tests.helpers import free_port, served  # noqa: E402
from tests.operations import LOGIN_WITH_PASSWORD  # noqa: E402


@contextlib.contextmanager
def scratch_database(base: str) -> Iterator[str]:
    """A new, empty database beside `base` (a PostgreSQL URL), dropped afterwards."""
    name = f"wallet_bench_{uuid.uuid4().hex[:8]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(driver_url(base))
        await connection.execute(statement)
        await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def serving(
    url: str,
    *,
    demo_data: bool,
    core: int | None = None,
    env: dict[str, str] | None = None,
    processes: int = 1,
    bench: bool = False,
    under: tuple[str, ...] = (),
) -> contextlib.AbstractContextManager[tuple[str, int]]:
    """The project's `serve` (or, with `bench`, bench/app.py) on the database at `url`
    (tests/helpers.served)."""
    return served(
        Path(tempfile.mkdtemp()),
        demo_data=demo_data,
        core=core,
        env={"WALLET_DATABASE_URL": url, **(env or {})},
        processes=processes,
        bench=bench,
        under=under,
    )


def graphql(query: str, variables: dict | None = None) -> dict:
    return {"query": query, "variables": variables or {}}


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def log_in(root: str, phone: str, password: str) -> str:
    return post(
        f"{root}/graphql",
        graphql(
            LOGIN_WITH_PASSWORD,
            {"input": {"phone": phone, "password": password, "deviceName": "bench"}},
        ),
    )["data"]["loginWithPassword"]["token"]


# The bare app (../shared/bench/raw_me.py: Starlette and one asyncpg pool, no project code,
# the same reads): on PostgreSQL, where it is found, Me and its driver route are compared
# with it (the ceiling); elsewhere with the driver route.
BARE_APP = ROOT.parent / "shared" / "bench" / "raw_me.py"


@contextlib.contextmanager
def bare_app(url: str, *, under: tuple[str, ...] = ()) -> Iterator[tuple[str, int] | None]:
    """The bare app's root and process id, serving the last session that `log_in` opened
    (None: not here, or SQLite). `under`: as `serving`'s."""
    if not url.startswith("postgres") or not BARE_APP.exists():
        yield None
        return
    hashed = asyncio.run(session_hash(url))
    port = free_port()
    server = subprocess.Popen(
        ["taskset", "-c", "0", *under, sys.executable, str(BARE_APP), str(port), url, hashed],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + (120 if under else 20)
        while True:  # one request first: its pool opens on the first request that comes
            try:
                post(f"{root}/raw/me", {})
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield root, server.pid
    finally:
        server.terminate()
        server.wait()


async def session_hash(url: str) -> str:
    connection = await asyncpg.connect(driver_url(url))
    try:
        return str(
            await connection.fetchval(
                "SELECT token_hash FROM session WHERE device_name = 'bench' "
                "ORDER BY created_at DESC LIMIT 1"
            )
        )
    finally:
        await connection.close()
