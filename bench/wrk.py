"""What each layer costs: `Me` and `ClosureEligibility` through /graphql against the same reads
as hand-written SQL on the bare driver and a static answer, served by the same process.

    apt-get install wrk   # the load generator (compiled: never the bottleneck)
    .venv/bin/python bench/wrk.py [--seconds 10] [--connections 16]
    WALLET_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/wrk.py

Starts `wallet-closure serve --demo-data --no-worker` with WALLET_BENCH_ROUTES=on pinned to
core 0 (a fresh SQLite file, or a PostgreSQL database of its own, dropped afterwards) and runs
wrk pinned to core 1. Every answer is checked (a non-200 or an `"errors"` counts as a failure)
before req/s and p50/p99 are printed, with the ratio to the driver route.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.operations import CLOSURE_ELIGIBILITY, LOGIN_WITH_PASSWORD, ME  # noqa: E402

LUA = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init() failures = 0 end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then failures = failures + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("failures") end
  io.write(string.format("FAILURES %d\\n", total))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def run_wrk(url: str, body: dict, token: str, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(body=json.dumps(json.dumps(body)), token=token))
    out = subprocess.run(
        ["taskset", "-c", "1", "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-s", script.name, url], capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50": ms("50%"), "p99": ms("99%"),
            "failures": int(re.search(r"FAILURES (\d+)", out).group(1))}


async def fresh_database(base: str) -> tuple[str, str]:
    name = f"wallet_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(base)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    return base.rsplit("/", 1)[0] + "/" + name, name


async def drop_database(base: str, name: str) -> None:
    admin = await asyncpg.connect(base)
    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/wrk.py needs wrk: apt-get install wrk")
    base = os.environ.get("WALLET_BENCH_DATABASE_URL")
    workdir = tempfile.mkdtemp()
    url, name = (asyncio.run(fresh_database(base)) if base
                 else (f"sqlite://{workdir}/bench.sqlite3", None))
    port = free_port()
    server = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-m", "server.cli", "serve", "--demo-data",
         "--no-worker", "--port", str(port)], cwd=workdir, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT), "WALLET_DATABASE_URL": url,
             "WALLET_BENCH_ROUTES": "true"})
    root = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{root}/livez", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        token = post(f"{root}/graphql", {"query": LOGIN_WITH_PASSWORD, "variables": {"input": {
            "phone": "13800000001", "password": "Demo-pass-1", "deviceName": "bench"}}}
        )["data"]["loginWithPassword"]["token"]
        rows = [("Me /graphql", f"{root}/graphql", {"query": ME}),
                ("ClosureEligibility /graphql", f"{root}/graphql",
                 {"query": CLOSURE_ELIGIBILITY}),
                ("Me reads, bare driver", f"{root}/bench/driver/me", {}),
                ("static JSON", f"{root}/bench/static", {})]
        results = {label: run_wrk(target, body, token, args.seconds, args.connections)
                   for label, target, body in rows}
    finally:
        server.terminate()
        server.wait(timeout=20)
        if name and base:
            asyncio.run(drop_database(base, name))
    driver = results["Me reads, bare driver"]["rps"]
    print(f"{'database':<10} {'route':<30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'x driver':>9} {'failures':>9}")
    for label, r in results.items():
        print(f"{'postgresql' if base else 'sqlite':<10} {label:<30} {r['rps']:>8.0f} "
              f"{r['p50']:>8.2f} {r['p99']:>8.2f} {r['rps'] / driver:>9.2f} "
              f"{r['failures']:>9}")


if __name__ == "__main__":
    main()
