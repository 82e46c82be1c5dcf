"""Talking to the app the way the mobile apps do, and reading what the SMS gateway got; and
a `serve` process of the project for what needs a real server (a browser, the benchmark)."""

import atexit
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.types import ASGIApp

from models import Account
from server.worker import Worker
from services.notify.sms import FileSms


@dataclass
class GraphQL:
    app: ASGIApp
    client: httpx.AsyncClient
    worker: Worker
    sms: FileSms

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        lang: str | None = None,
    ) -> dict[str, Any]:
        headers = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if lang:
            headers["Accept-Language"] = lang
        response = await self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """The `data` of an answer that must have no top-level errors."""
        body = await self.post(query, variables, **kwargs)
        assert "errors" not in body, body
        return body["data"]

    def sent(self) -> list[dict[str, Any]]:
        if not self.sms.path.exists():
            return []
        return [json.loads(line) for line in self.sms.path.read_text().splitlines()]

    async def deliver(self) -> list[dict[str, Any]]:
        """Let the worker send what is queued; returns every SMS sent so far."""
        await self.worker.run_once()
        return self.sent()

    async def last_code(self, phone: str, purpose: str) -> str:
        messages = [m for m in await self.deliver() if m["to"] == phone and m["purpose"] == purpose]
        assert messages, f"no {purpose} SMS to {phone}"
        return messages[-1]["code"]


def unauthenticated(body: dict[str, Any]) -> bool:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])] == [
        "UNAUTHENTICATED"
    ]


async def account_by_phone(e164: str) -> Account:
    return await Account.get(phone=e164)


ROOT = Path(__file__).resolve().parents[1]


def wallet_closure(
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The console script in a process of its own, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "server.cli", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


_migrated_template: Path | None = None


def migrated(env: dict[str, str] | None = None, *, cwd: Path) -> None:
    """The SQLite file that `env` (or the default, in `cwd`) names, migrated, where there is
    none yet: a copy of one made once per test process, since a migration from nothing takes
    seconds (conftest's databases and `served(from_nothing=True)` still take that path)."""
    global _migrated_template
    url = (env or {}).get("WALLET_DATABASE_URL", "sqlite://wallet.sqlite3")
    if not url.startswith("sqlite://"):
        return
    target = cwd / url.removeprefix("sqlite://")
    if target.exists():
        return
    if _migrated_template is None:
        folder = Path(tempfile.mkdtemp(prefix="wallet-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        made = wallet_closure(
            "migrate", cwd=folder, env={"WALLET_DATABASE_URL": "sqlite://wallet.sqlite3"}
        )
        assert made.returncode == 0, made.stderr
        _migrated_template = folder / "wallet.sqlite3"
    shutil.copyfile(_migrated_template, target)


def production_env(tmp_path: Path) -> dict[str, str]:
    """The least a production `serve` starts with, on a SQLite file in `tmp_path`."""
    return {
        "WALLET_ENV": "production",
        "WALLET_SECRET_KEY": "a-production-secret",
        "WALLET_SMS_BACKEND": "webhook",
        "WALLET_SMS_WEBHOOK_URL": "http://127.0.0.1:9/sms",
        "WALLET_DATABASE_URL": f"sqlite://{tmp_path / 'wallet.sqlite3'}",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def served(
    cwd: Path,
    *,
    demo_data: bool = True,
    core: int | None = None,
    env: dict[str, str] | None = None,
    port: int = 0,
    processes: int = 1,
    log: Path | None = None,
    worker: bool = False,
    bench: bool = False,
    from_nothing: bool = False,
    under: tuple[str, ...] = (),
) -> Iterator[tuple[str, int]]:
    """`wallet-closure serve` on `port` or a free one (pinned to `core` when given; with the
    worker in-process only when asked) until it answers /livez; yields its root URL and
    process id, and stops it afterwards. Its output goes to `log` when given. With `bench`,
    bench/app.py (the same app with the benchmark's routes) serves instead, on a database that
    `migrate` (and `demo-data`) prepared as `serve` would. A SQLite database starts out migrated
    (`migrated`) unless `from_nothing`. `under`: a command that runs the server (valgrind's),
    given a minute more to start."""
    port = port or free_port()
    # its metrics listener (production's default 127.0.0.1:9464) on a port of its own too
    env = {"WALLET_METRICS_ADDRESS": f"127.0.0.1:{free_port()}", **(env or {})}
    if not from_nothing:
        migrated(env, cwd=cwd)
    if bench:
        for step in ("migrate", *(["demo-data"] if demo_data else [])):
            assert wallet_closure(step, cwd=cwd, env=env).returncode == 0, step
        command = [sys.executable, str(ROOT / "bench" / "app.py"), "--port", str(port)]
    else:
        command = [
            *(sys.executable, "-m", "server.cli", "serve", "--port", str(port)),
            *(["--demo-data"] if demo_data else []),
            *([] if worker else ["--no-worker"]),
            *("--workers", str(processes)),
        ]
    output = log.open("w") if log else None
    server = subprocess.Popen(
        [*(["taskset", "-c", str(core)] if core is not None else []), *under, *command],
        cwd=cwd,
        stdout=output or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if output else subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
    )
    root = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600 if under else 300):
            try:
                urllib.request.urlopen(f"{root}/livez", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"serve exited with {server.returncode}") from None
                time.sleep(0.2)
        yield root, server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)
        if output:
            output.close()
