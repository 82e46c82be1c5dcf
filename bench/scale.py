"""Flat from one account to millions: the reads' latency on databases seeded by bench/seed.py,
each compared with its baseline, at the same fixed request rate.

    base=postgres://postgres@127.0.0.1:5432
    .venv/bin/python bench/seed.py --database-url $base/wallet_1k --accounts 1000
    .venv/bin/python bench/seed.py --database-url $base/wallet_1m --accounts 1000000
    .venv/bin/python bench/seed.py --database-url $base/wallet_heavy --accounts 1000 \\
        --heavy-entries 100000
    .venv/bin/python bench/scale.py --base postgres://postgres@127.0.0.1:5432/ [--rate 100]

Each database is served in turn (bench/wrk.py's server, pinned to core 0; wrk on core 1);
the reads carry demo customer 13800000001's token: about 10 ledger entries in wallet_1k and
wallet_1m, 100,000 in wallet_heavy.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import graphql, log_in, serving
from wrk import run_wrk

from tests.operations import (
    CLOSURE_ELIGIBILITY,
    ME,
    SECURITY_LOG_PAGE,
    TRANSACTIONS,
)

READS = [
    ("Me", graphql(ME)),
    ("ClosureEligibility", graphql(CLOSURE_ELIGIBILITY)),
    ("SecurityLogPage", graphql(SECURITY_LOG_PAGE, {"first": 20})),
    # a page of one: the light account has a single movement to show, and the question is
    # the lookup in 100,000 entries, not the size of the answer
    ("Transactions", graphql(TRANSACTIONS, {"first": 1})),
]
# (database, what it holds, the database it is compared with)
CASES = [
    ("wallet_1k", "1,000 accounts", "wallet_1k"),
    ("wallet_1m", "1,000,000 accounts", "wallet_1k"),
    ("wallet_heavy", "1,000 accounts, one with 100,000 ledger entries", "wallet_1k"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="postgres://postgres@127.0.0.1:5432/")
    parser.add_argument("--rate", type=float, default=100, help="requests a second, all told")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    figures: dict[tuple[str, str], dict] = {}
    for database, _, _ in CASES:
        with serving(args.base.rstrip("/") + "/" + database, demo_data=False, core=0) as (root, _):
            token = log_in(root, "13800000001", "Demo-pass-1")
            for label, body in READS:
                figures[database, label] = run_wrk(
                    root + "/graphql", body, token, args.seconds, args.connections, args.rate
                )
    print(
        f"{'database':<48} {'operation':<20} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'p50 x':>6} {'p99 x':>6} {'failures':>8}"
    )
    for database, holds, baseline in CASES:
        for label, _ in READS:
            f, b = figures[database, label], figures[baseline, label]
            print(
                f"{holds:<48} {label:<20} {f['rps']:>6.0f} {f['p50']:>7.2f} {f['p99']:>7.2f} "
                f"{f['p50'] / b['p50']:>6.2f} {f['p99'] / b['p99']:>6.2f} {f['failures']:>8}"
            )


if __name__ == "__main__":
    main()
