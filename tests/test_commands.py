"""The console script as an operator runs it: demo data, migrate, serve."""

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path

import asyncpg
import pytest

from server.database import is_postgres
from tests.helpers import migrated, production_env, served, wallet_closure

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.own_sqlite
def test_demo_data_is_idempotent(tmp_path: Path) -> None:
    migrated(cwd=tmp_path)
    first = wallet_closure("demo-data", cwd=tmp_path)
    second = wallet_closure("demo-data", cwd=tmp_path)

    assert first.stdout.splitlines()[0] == (
        "demo accounts created: 13800000001, 13800000002, 13800000003, 13800000004"
    )
    assert second.stdout.splitlines()[0] == "demo accounts already there"
    staff_lines = first.stdout.splitlines()[2:]
    assert [line.split()[:3] for line in staff_lines] == [
        ["agent", "AGENT", "Agent-pass-1"],
        ["supervisor", "SUPERVISOR", "Super-pass-1"],
        ["supervisor2", "SUPERVISOR", "Super-pass-2"],
        ["auditor", "AUDITOR", "Audit-pass-1"],
    ]
    assert second.stdout.splitlines()[2:] == staff_lines  # the same secrets, printed again
    assert wallet_closure("verify-audit", cwd=tmp_path).returncode == 0
    assert wallet_closure("scrub", cwd=tmp_path).stdout.strip() == "personal-data tables rewritten"


@pytest.mark.own_sqlite
def test_export_schema_prints_the_sdl(tmp_path: Path) -> None:
    result = wallet_closure("export-schema", cwd=tmp_path)

    assert result.stdout == (ROOT / "schema" / "schema.graphql").read_text()


@pytest.mark.own_sqlite
def test_staff_add_prints_a_provisioning_uri_and_disable_ends_the_account(tmp_path: Path) -> None:
    migrated(cwd=tmp_path)
    added = subprocess.run(
        [sys.executable, "-m", "server.cli", "staff", "add", "lin.agent", "--role", "AGENT"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        input="A-long-pass-1\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    again = subprocess.run(
        [sys.executable, "-m", "server.cli", "staff", "add", "lin.agent", "--role", "AGENT"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        input="A-long-pass-1\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("otpauth://totp/wallet-closure:lin.agent?secret=")
    assert (again.returncode, again.stderr.strip()) == (
        2,
        "wallet-closure staff add: This username is taken.",
    )
    assert wallet_closure("staff", "disable", "lin.agent", cwd=tmp_path).stdout.strip() == (
        "lin.agent disabled"
    )
    assert wallet_closure("staff", "disable", "lin.agent", cwd=tmp_path).returncode == 1
    assert "staff audit chain verifies" in wallet_closure("verify-audit", cwd=tmp_path).stdout


def post(url: str, query: str) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps({"query": query}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.mark.own_sqlite
def test_serve_gives_graphiql_and_the_demo_accounts(tmp_path: Path) -> None:
    with served(tmp_path, worker=True, from_nothing=True) as (root, _):
        page = urllib.request.urlopen(
            urllib.request.Request(f"{root}/graphql", headers={"accept": "text/html"}), timeout=5
        )
        login = post(
            f"{root}/graphql",
            'mutation { loginWithPassword(input: {phone: "13800000001", '
            'password: "Demo-pass-1"}) { account { status } errors { code } } }',
        )

    assert "GraphiQL" in page.read().decode()
    assert login == {"data": {"loginWithPassword": {"account": {"status": "ACTIVE"}, "errors": []}}}


@pytest.mark.postgres
async def test_two_processes_migrating_and_loading_demo_data_at_once_both_succeed(
    tmp_path: Path,
) -> None:
    base = os.environ["WALLET_TEST_DATABASE_URL"]
    assert is_postgres(base)
    name = f"wallet_migrate_{os.getpid()}"
    admin = await asyncpg.connect(base)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        # the second sizes its pool in the URL, as an operator may
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "server.cli",
                "demo-data",
                cwd=tmp_path,
                env={**os.environ, "PYTHONPATH": str(ROOT), "WALLET_DATABASE_URL": database_url},
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for database_url in (url, url + "?minsize=1&maxsize=3")
        ]
        results = [await p.communicate() for p in processes]

        assert [p.returncode for p in processes] == [0, 0], results
        database = await asyncpg.connect(url)
        accounts = await database.fetchval("SELECT count(*) FROM account")
        staff = await database.fetchval("SELECT count(*) FROM staff_user")
        await database.close()
        assert (accounts, staff) == (4, 4)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.mark.own_sqlite
def test_serve_on_a_busy_port_says_so_instead_of_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = wallet_closure("serve", "--port", str(port), cwd=tmp_path)

    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.own_sqlite
def test_serve_comes_back_on_its_port_at_once_after_kill_9(tmp_path: Path) -> None:
    with served(tmp_path, demo_data=False) as (root, pid):
        port = int(root.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"GET /livez HTTP/1.1\r\nHost: wallet\r\n\r\n")
            answer = b""
            while b'"ok"' not in answer:
                chunk = client.recv(1024)
                assert chunk, answer
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200")
            os.kill(pid, signal.SIGKILL)  # the server's side closes first: TIME_WAIT
            assert client.recv(1024) == b""
    with socket.socket() as plain, pytest.raises(OSError):  # what the old probe did
        plain.bind(("127.0.0.1", port))

    with served(tmp_path, demo_data=False, port=port) as (again, _):
        answer = urllib.request.urlopen(f"{again}/livez", timeout=5)

    assert (again, answer.status) == (root, 200)


@pytest.mark.own_sqlite
def test_a_bad_anchor_gets_a_usage_message(tmp_path: Path) -> None:
    result = wallet_closure("verify-audit", "--anchor", "12", cwd=tmp_path)

    assert result.returncode == 2
    assert "usage: wallet-closure verify-audit" in result.stderr
    assert "is not SEQ:HASH+SEQ:HASH" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.own_sqlite
def test_verify_ledger_finds_a_kept_balance_that_left_its_ledger(tmp_path: Path) -> None:
    migrated(cwd=tmp_path)
    wallet_closure("demo-data", cwd=tmp_path)
    clean = wallet_closure("verify-ledger", cwd=tmp_path)
    database = sqlite3.connect(tmp_path / "wallet.sqlite3")
    with database:
        database.execute(
            "UPDATE wallet_balance SET settled_fen = settled_fen + 1 WHERE settled_fen = 12850"
        )
    database.close()

    tampered = wallet_closure("verify-ledger", cwd=tmp_path)

    assert (clean.returncode, clean.stdout.strip()) == (0, "every wallet balance equals its ledger")
    assert tampered.returncode == 1
    assert "kept Balance(settled_fen=12851, pending_out_fen=0)" in tampered.stdout


@pytest.mark.own_sqlite
def test_several_workers_need_postgresql(tmp_path: Path) -> None:
    result = wallet_closure(
        "serve",
        "--workers",
        "2",
        "--port",
        "0",
        cwd=tmp_path,
        env={"WALLET_DATABASE_URL": "sqlite://wallet.sqlite3"},
    )

    assert (result.returncode, result.stderr.strip()) == (
        2,
        "wallet-closure: --workers needs PostgreSQL; SQLite mode is one process",
    )


@pytest.mark.parametrize(
    "command",
    [
        ["verify-audit"],
        ["verify-ledger"],
        ["outbox"],
        ["worker"],
        ["staff", "disable", "wang"],
        ["scrub"],
    ],
)
def test_a_command_in_an_empty_folder_says_what_it_looked_for_and_creates_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    result = wallet_closure(*command, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"wallet-closure: no database at {tmp_path / 'wallet.sqlite3'} "
        "(WALLET_DATABASE_URL=sqlite://wallet.sqlite3); run it where the database is, or "
        "`wallet-closure migrate` to make one"
    ]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "postgres://postgres@127.0.0.1:5432/wallet_no_such_database",
            'InvalidCatalogNameError: database "wallet_no_such_database" does not exist',
        ),
        (
            "postgres://nobody:secret@127.0.0.1:5432/test",
            'InvalidAuthorizationSpecificationError: role "nobody" does not exist',
        ),
        ("postgres://postgres:secret@127.0.0.1:1/test", "ConnectionRefusedError"),
    ],
    ids=["no-database", "no-role", "no-server"],
)
def test_a_database_that_cannot_be_used_is_one_line_without_a_traceback(
    tmp_path: Path, url: str, reason: str
) -> None:
    result = wallet_closure("migrate", cwd=tmp_path, env={"WALLET_DATABASE_URL": url})

    shown = url.replace(":secret@", ":***@")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"wallet-closure: cannot use the database at {shown}: {reason}")


@pytest.mark.own_sqlite
def test_a_file_that_is_not_there_is_named_not_blamed_on_the_database(tmp_path: Path) -> None:
    result = wallet_closure("export-operations", "no-such-contract.graphql", cwd=tmp_path)

    assert result.returncode == 2
    assert result.stderr == (
        "wallet-closure: no-such-contract.graphql: No such file or directory\n"
    )


@pytest.mark.own_sqlite
@pytest.mark.parametrize("command", [["demo-data"], ["serve", "--demo-data"]])
def test_production_refuses_the_demo_accounts(tmp_path: Path, command: list[str]) -> None:
    env = production_env(tmp_path)
    migrated(env, cwd=tmp_path)

    result = wallet_closure(*command, cwd=tmp_path, env=env)

    assert result.returncode == 2
    assert result.stderr.startswith("wallet-closure: no demo data in production")
    with sqlite3.connect(tmp_path / "wallet.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM account").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM staff_user").fetchone() == (0,)
