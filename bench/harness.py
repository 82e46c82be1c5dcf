"""What the benchmark scripts share: a scratch PostgreSQL database, a `serve` process of the
project, and a login through the contract's operation."""

import asyncio
import contextlib
import json
import os
import socket
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(url: str, *, demo_data: bool, core: int | None = None,
            env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """`wallet-closure serve --no-worker` on `url` (pinned to `core` when given) until it
    answers /livez; yields its root URL and process id."""
    port = free_port()
    command = [sys.executable, "-m", "server.cli", "serve",
               *(["--demo-data"] if demo_data else []), "--no-worker", "--port", str(port)]
    server = subprocess.Popen(
        ["taskset", "-c", str(core), *command] if core is not None else command,
        cwd=tempfile.mkdtemp(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "WALLET_DATABASE_URL": url, **(env or {})})
    root = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{root}/livez", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield root, server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)


def graphql(query: str, variables: dict | None = None) -> dict:
    return {"query": query, "variables": variables or {}}


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def log_in(root: str, phone: str, password: str) -> str:
    return post(f"{root}/graphql", graphql(LOGIN_WITH_PASSWORD, {"input": {
        "phone": phone, "password": password, "deviceName": "bench"}}),
    )["data"]["loginWithPassword"]["token"]
