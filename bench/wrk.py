"""What each layer costs: `Me`, `ClosureEligibility`, `SecurityLogPage` and `LoginWithPassword`
through /graphql, each beside the same reads as hand-written SQL on the bare driver, and a
static answer, all served by the same process from the same database.

    apt-get install wrk   # the load generator (compiled: never the bottleneck)
    .venv/bin/python bench/wrk.py [--seconds 12] [--connections 16]
    WALLET_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/wrk.py

Serves bench/app.py (the `serve` app with the reference routes of bench/routes.py) pinned to
core 0 (a fresh SQLite file, or a PostgreSQL database of its own, dropped afterwards) and runs
wrk pinned to core 1.
Every answer is checked (a non-200 or an `"errors"` counts as a failure) before req/s and
p50/p99 are printed with the ratio to the driver route; then `Me` and `ClosureEligibility`
and their driver routes again at half the /graphql peak rate (p99 there is the latency
target), and the logins one at a time beside argon2's own verify. The peak and paced rows run
in three alternating rounds (the figures are their medians), and the logins take turns request
by request, so that a slow spell of the machine falls on both sides of a ratio.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness import bare_app, graphql, log_in, post, scratch_database, serving

from schema.documents import sha256
from tests.helpers import wallet_closure
from tests.operations import (
    CLOSURE_ELIGIBILITY,
    LOGIN_WITH_PASSWORD,
    ME,
    SECURITY_LOG_PAGE,
)

LUA = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init() failures = 0 end
-- paced connections pause a random time around the mean, not all at once
function delay() return math.random(0, 2 * {pause_ms}) end
function response(status, headers, body)
  -- a top-level error or a payload's: any non-empty "errors" list
  if status ~= 200 or string.find(body, '"errors":%s*%[%s*{{') then failures = failures + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("failures") end
  io.write(string.format("FAILURES %d\\n", total))
end
"""


def run_wrk(
    url: str, body: dict, token: str, seconds: int, connections: int, rate: float | None = None
) -> dict:
    """wrk against one route; with `rate`, each connection pauses so that all of them together
    send about that many requests a second (the achieved rate is what is printed)."""
    pause_ms = round(connections * 1000 / rate) if rate else 0
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA.format(body=json.dumps(json.dumps(body)), token=token, pause_ms=pause_ms))
    out = subprocess.run(
        [
            "taskset",
            "-c",
            "1",
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(script.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": ms("50%"),
        "p99": ms("99%"),
        "failures": int(re.search(r"FAILURES (\d+)", out).group(1)),
    }


LOGIN = graphql(
    LOGIN_WITH_PASSWORD,
    {"input": {"phone": "13800000002", "password": "Demo-pass-2", "deviceName": "bench"}},
)
HALF = " at half /graphql's peak"
# The latency target's rows, also run at half what /graphql can do.
PACED = (
    "Me",
    "Me, bare driver",
    "Me, the bare app",
    "ClosureEligibility",
    "ClosureEligibility, bare driver",
)
BY_HAND = ME.replace("query Me ", "query MeByHand ", 1)
# A build's Me as a generator re-prints it (__typename added): not the contract's text.
BY_APP = re.sub(r"(?<=\w) }", " __typename }", ME)
BY_HASH = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(BY_APP)}}}
# (label, path, body, the row it is compared with, and by what: throughput or latency)
READS = [
    ("Me", "/graphql", graphql(ME), "Me, bare driver", "rps"),
    ("Me, bare driver", "/bench/driver/me", {}, "Me, bare driver", "rps"),
    (
        "ClosureEligibility",
        "/graphql",
        graphql(CLOSURE_ELIGIBILITY),
        "ClosureEligibility, bare driver",
        "rps",
    ),
    (
        "ClosureEligibility, bare driver",
        "/bench/driver/closure-eligibility",
        {},
        "ClosureEligibility, bare driver",
        "rps",
    ),
    (
        "SecurityLogPage",
        "/graphql",
        graphql(SECURITY_LOG_PAGE, {"first": 20}),
        "SecurityLogPage, bare driver",
        "rps",
    ),
    (
        "SecurityLogPage, bare driver",
        "/bench/driver/security-log",
        {},
        "SecurityLogPage, bare driver",
        "rps",
    ),
    ("static JSON", "/bench/static", {}, "Me, bare driver", "rps"),
    # one path for every document: these two as fast as the contract's text
    ("Me typed by hand", "/graphql", graphql(BY_HAND), "Me", "rps"),
    ("Me, a registered app build's hash", "/graphql", BY_HASH, "Me", "rps"),
]
LOGINS = [  # one at a time: argon2 is meant to be slow, the question is what is added to it
    ("LoginWithPassword", "/graphql", LOGIN, "argon2 verify alone", "p50"),
    ("LoginWithPassword, bare driver", "/bench/driver/login", LOGIN, "argon2 verify alone", "p50"),
    ("argon2 verify alone", "/bench/argon2", LOGIN, "argon2 verify alone", "p50"),
]


def bare_reads(bare: str) -> list[tuple[str, str, dict, str, str]]:
    return [
        ("Me", "/graphql", graphql(ME), "Me, the bare app", "rps"),
        ("Me, bare driver", "/bench/driver/me", {}, "Me, the bare app", "rps"),
        ("Me, the bare app", f"{bare}/raw/me", {}, "Me, the bare app", "rps"),
    ]


def url_of(root: str, path: str) -> str:
    """A row's URL: a path of the project's server, or another server's whole URL."""
    return path if path.startswith("http") else root + path


ROUNDS = 3


def interleaved(
    root: str,
    token: str,
    runs: list[tuple[str, str, dict, float | None]],
    seconds: int,
    connections: int,
) -> dict[str, dict]:
    """Rows (label, path, body, paced rate) whose ratios compare runs made one after the
    other: in ROUNDS alternating rounds, so that a slow spell of this shared machine falls on
    all of them alike; each figure is the median of its rounds, failures their sum."""
    rounds: dict[str, list[dict]] = {label: [] for label, *_ in runs}
    for _ in range(ROUNDS):
        for label, path, body, rate in runs:
            rounds[label].append(
                run_wrk(
                    url_of(root, path),
                    body,
                    token,
                    max(1, round(seconds / ROUNDS)),
                    connections,
                    rate,
                )
            )
    return {
        label: {
            "rps": statistics.median(f["rps"] for f in found),
            "p50": statistics.median(f["p50"] for f in found),
            "p99": statistics.median(f["p99"] for f in found),
            "failures": sum(f["failures"] for f in found),
        }
        for label, found in rounds.items()
    }


def one_at_a_time(root: str, seconds: int) -> dict[str, dict]:
    """The logins: one request at a time, each route in turn, so that the machine's drift
    over seconds falls on all three alike (at three a second wrk has nothing to add)."""
    took: dict[str, list[float]] = {label: [] for label, *_ in LOGINS}
    failures = dict.fromkeys(took, 0)
    deadline = time.monotonic() + seconds * len(LOGINS)
    while time.monotonic() < deadline:
        for label, path, body, _, _ in LOGINS:
            started = time.perf_counter()
            answer = post(root + path, body)
            took[label].append(time.perf_counter() - started)
            failures[label] += bool(answer.get("errors"))
    return {
        label: {
            "rps": len(times) / sum(times),
            "p50": statistics.median(times) * 1000,
            "p99": statistics.quantiles(times, n=100)[98] * 1000,
            "failures": failures[label],
        }
        for label, times in took.items()
    }


def register_app_build(url: str) -> None:
    """The operator registers an app build whose manifest holds BY_APP (`serve` sees it
    within seconds: before the warm-up is over)."""
    manifest = Path(tempfile.mkdtemp()) / "persisted-query-manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": sha256(BY_APP), "name": "Me", "type": "query", "body": BY_APP}
                ],
            }
        )
    )
    added = wallet_closure(
        *("trusted-documents", "add", str(manifest), "--app", "bench", "--version", "1"),
        cwd=manifest.parent,
        env={"WALLET_DATABASE_URL": url},
    )
    assert added.returncode == 0, added.stderr


def measure(
    root: str, seconds: int, connections: int, url: str
) -> list[tuple[str, dict, str, str]]:
    """Every row: its label, figures, the row it is compared with, and by what."""
    token = log_in(root, "13800000001", "Demo-pass-1")
    with bare_app(url) as bare:
        reads = READS if bare is None else [*bare_reads(bare[0]), *READS[2:]]
        paced_reads = [read for read in reads if read[0] in PACED]
        for _, path, body, _, _ in reads:  # not counted: the pools open their connections, and
            run_wrk(url_of(root, path), body, token, 2, connections)  # the caches fill
        peak = interleaved(
            root,
            token,
            [(label, path, body, None) for label, path, body, _, _ in reads],
            seconds,
            connections,
        )
        paced = interleaved(
            root,
            token,
            [  # the latency target's rows, at half what /graphql can do
                (label + HALF, path, body, peak[label.split(",")[0]]["rps"] / 2)
                for label, path, body, _, _ in paced_reads
            ],
            seconds,
            connections,
        )
    rows = [(label, peak[label], reference, by) for label, _, _, reference, by in reads]
    rows += [
        (label + HALF, paced[label + HALF], reference + HALF, "p99")
        for label, _, _, reference, _ in paced_reads
    ]
    logins = one_at_a_time(root, 2 * seconds)
    rows += [(label, logins[label], reference, by) for label, _, _, reference, by in LOGINS]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("bench/wrk.py needs wrk: apt-get install wrk")
    base = os.environ.get("WALLET_BENCH_DATABASE_URL")
    with (
        (
            scratch_database(base)
            if base
            else contextlib.nullcontext(f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3")
        ) as url,
        serving(url, demo_data=True, core=0, bench=True) as (root, _),
    ):
        register_app_build(url)
        rows = measure(root, args.seconds, args.connections, url)
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    figures_of = {label: figures for label, figures, _, _ in rows}
    print(
        f"{'database':<10} {'route':<52} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'ratio':>10} {'failures':>8}"
    )
    for label, figures, reference, by in rows:
        ratio = figures[by] / figures_of[reference][by]
        print(
            f"{database:<10} {label:<52} {figures['rps']:>7.0f} {figures['p50']:>8.2f} "
            f"{figures['p99']:>8.2f} {ratio:>6.2f} {by:<3} {figures['failures']:>8}"
        )


if __name__ == "__main__":
    main()
