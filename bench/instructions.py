"""Instructions a request costs, counted by valgrind's callgrind: unlike req/s, the same count
run after run whatever else the machine does, so that a change of 1 % shows.

    apt-get install valgrind
    WALLET_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/instructions.py [--requests 800]

Serves bench/app.py (the `serve` app with the reference routes) and, on PostgreSQL, the bare
app (../shared/bench/raw_me.py: Starlette and one asyncpg pool, the same reads), each under
callgrind with counting off; sends each row's requests once uncounted (the pools, the caches),
then the same number counted, over 16 kept-alive connections, and prints the instructions a
request took in the server process and the ratio to the bare app (on SQLite, to the driver
route). Counted: the server process's own instructions (Python, uvicorn, the driver), not
the kernel's work for it, nor the database's, nor the client's.
"""

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from harness import bare_app, log_in, scratch_database, serving

from tests.operations import ME

CONNECTIONS = 16
LENGTH = re.compile(rb"content-length: *(\d+)", re.IGNORECASE)
TYPED_BY_HAND = (
    "query Me { me { id phoneMasked status balance { fen currency display } "
    "bankCards { id bankName last4 } sessions { id deviceName current lastSeenAt } } }"
)
DRIVER, BARE = "Me, the project's driver route", "Me, the bare app"
ROWS = [  # label, server ("bare" or the project's), path, body
    ("Me, the contract's text", "project", "/graphql", {"query": ME, "operationName": "Me"}),
    ("Me, typed by hand", "project", "/graphql", {"query": TYPED_BY_HAND}),
    (DRIVER, "project", "/bench/driver/me", {}),
    ("a static answer", "project", "/bench/static", {}),
    (BARE, "bare", "/raw/me", {}),
]


def callgrind(out: Path) -> tuple[str, ...]:
    return ("valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}")


async def send(port: int, path: str, body: bytes, token: str, count: int) -> None:
    """`count` requests over CONNECTIONS kept-alive connections; every answer a 200 without
    errors, or it fails."""
    request = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body

    async def one_connection(requests: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(requests):
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(LENGTH.findall(head)[0])
            answer = await reader.readexactly(length)
            if not head.startswith(b"HTTP/1.1 200") or b'"errors":[{' in answer:
                raise SystemExit(f"{path}: {head[:12]!r} {answer[:200]!r}")
        writer.close()

    await asyncio.gather(*(one_connection(count // CONNECTIONS) for _ in range(CONNECTIONS)))


def counted(pid: int, out: Path, run: Coroutine[Any, Any, None]) -> int:
    """The instructions process `pid` (under callgrind, dumping to `out`.N) ran while `run`
    ran."""
    subprocess.run(["callgrind_control", "--zero", str(pid)], check=True, capture_output=True)
    subprocess.run(["callgrind_control", "-i", "on", str(pid)], check=True, capture_output=True)
    asyncio.run(run)
    subprocess.run(["callgrind_control", "-i", "off", str(pid)], check=True, capture_output=True)
    subprocess.run(["callgrind_control", "--dump", str(pid)], check=True, capture_output=True)
    newest = max(out.parent.glob(f"{out.name}.*"), key=lambda dump: dump.stat().st_mtime_ns)
    totals = re.search(r"^totals: (\d+)", newest.read_text(errors="replace"), re.M)
    assert totals, newest
    return int(totals.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=800)
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.exit("bench/instructions.py needs valgrind: apt-get install valgrind")
    requests = args.requests // CONNECTIONS * CONNECTIONS
    os.environ["PYTHONHASHSEED"] = "0"  # both servers: the same hashes (dict layouts) every run
    base = os.environ.get("WALLET_BENCH_DATABASE_URL")
    with contextlib.ExitStack() as stack:
        dumps = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = stack.enter_context(
            scratch_database(base)
            if base
            else contextlib.nullcontext(f"sqlite://{dumps}/bench.sqlite3")
        )
        root, pid = stack.enter_context(
            serving(
                url,
                demo_data=True,
                core=0,
                bench=True,
                under=callgrind(dumps / "project"),
            )
        )
        token = log_in(root, "13800000001", "Demo-pass-1")
        servers = {"project": (int(root.rsplit(":", 1)[1]), pid, dumps / "project")}
        bare = stack.enter_context(bare_app(url, under=callgrind(dumps / "bare")))
        if bare is not None:
            servers["bare"] = (int(bare[0].rsplit(":", 1)[1]), bare[1], dumps / "bare")
        figures = {}
        for label, server, path, body in ROWS:
            if server not in servers:
                continue
            port, server_pid, out = servers[server]
            data = json.dumps(body).encode()
            asyncio.run(send(port, path, data, token, requests))  # uncounted
            run = send(port, path, data, token, requests)
            figures[label] = counted(server_pid, out, run) / requests
    reference = BARE if BARE in figures else DRIVER
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    print(f"{'database':<10} {'route':<34} {'instructions':>12} {'x ' + reference:>24}")
    for label, instructions in figures.items():
        ratio = figures[reference] / instructions
        print(f"{database:<10} {label:<34} {instructions:>12,.0f} {ratio:>24.2f}")


if __name__ == "__main__":
    main()
