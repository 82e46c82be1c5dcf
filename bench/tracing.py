"""What traces cost on `Me` through /graphql: three servers of the demo data side by side, one
with tracing off (no OTLP endpoint: the default), one exporting every span to a local OTLP
receiver and one a tenth of the traces (OTEL_TRACES_SAMPLER), measured in alternating rounds;
and what tracing off adds to a request, counted: the `services.tracing.span` calls a `Me`
makes, each timed alone, against the time of a `Me`.

    .venv/bin/python bench/tracing.py [--seconds 12] [--connections 16]
    WALLET_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/tracing.py
"""

import argparse
import contextlib
import http.server
import os
import statistics
import tempfile
import threading
import timeit

from harness import graphql, log_in, scratch_database, serving
from wrk import run_wrk

from services import tracing
from tests.operations import ME

# A `Me` on the prepared path: its operation and its two hand-written reads.
SPANS_PER_ME = 3
ROUNDS = 3
SAMPLED = {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"}


class Sink(http.server.BaseHTTPRequestHandler):
    """Takes OTLP/HTTP exports and throws them away, as a collector that keeps up would."""

    received = 0

    def do_POST(self) -> None:
        Sink.received += len(self.rfile.read(int(self.headers["content-length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_: object) -> None:
        pass


def off_cost_seconds() -> float:
    """One `span` call with tracing off, entered and left."""

    def once() -> None:
        with tracing.span("operation"):
            pass

    return min(timeit.repeat(once, number=200_000, repeat=5)) / 200_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=12)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    shared = {"WALLET_SECRET_KEY": "bench-secret-0123456789abcdef"}  # one token for both
    traced = {
        **shared,
        "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{sink.server_address[1]}",
        "OTEL_SERVICE_NAME": "wallet-closure-bench",
    }
    base = os.environ.get("WALLET_BENCH_DATABASE_URL")
    with contextlib.ExitStack() as stack:
        url = (
            stack.enter_context(scratch_database(base))
            if base
            else f"sqlite://{tempfile.mkdtemp()}/bench.sqlite3"
        )
        plain, _ = stack.enter_context(serving(url, demo_data=True, core=0, env=shared))
        every, _ = stack.enter_context(serving(url, demo_data=False, core=0, env=traced))
        tenth, _ = stack.enter_context(
            serving(url, demo_data=False, core=0, env={**traced, **SAMPLED})
        )
        token = log_in(plain, "13800000001", "Demo-pass-1")
        body = graphql(ME)
        servers = {"tracing off": plain, "every trace exported": every, "1 in 10 exported": tenth}
        runs: dict[str, list[dict]] = {label: [] for label in servers}
        for root in servers.values():  # warm-up, not counted
            run_wrk(root + "/graphql", body, token, 2, args.connections)
        for _ in range(ROUNDS):
            for label, root in servers.items():
                seconds = max(1, round(args.seconds / ROUNDS))
                runs[label].append(
                    run_wrk(root + "/graphql", body, token, seconds, args.connections)
                )
    database = "postgresql" if url.startswith("postgres") else "sqlite"
    rps = {label: statistics.median(r["rps"] for r in found) for label, found in runs.items()}
    print(f"{'database':<10} {'Me through /graphql':<24} {'req/s':>7} {'p50 ms':>8} {'ratio':>6}")
    for label, found in runs.items():
        failures = sum(r["failures"] for r in found)
        assert failures == 0, f"{label}: {failures} failed answers"
        p50 = statistics.median(r["p50"] for r in found)
        ratio = rps[label] / rps["tracing off"]
        print(f"{database:<10} {label:<24} {rps[label]:>7.0f} {p50:>8.2f} {ratio:>6.2f}")
    print(f"OTLP bytes received: {Sink.received}")
    one = off_cost_seconds()
    per_me = SPANS_PER_ME * one
    share = per_me * rps["tracing off"]  # of one core's second, at the measured rate
    print(
        f"tracing off adds {SPANS_PER_ME} span calls x {one * 1e9:.0f} ns = "
        f"{per_me * 1e6:.2f} us to a Me, {share:.2%} of its time at {rps['tracing off']:.0f} req/s"
    )


if __name__ == "__main__":
    main()
