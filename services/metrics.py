"""Prometheus metrics, one registry for the process; /metrics serves it. Under `serve
--workers N` each process counts into files of a directory that `serve` gives them
(PROMETHEUS_MULTIPROC_DIR, read by prometheus_client itself), and a scrape of any one of
them adds them all up; the gauges are figures read from the database, the same whichever
process last read them."""

import os
from contextvars import ContextVar
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

REGISTRY = CollectorRegistry()

graphql_requests = Counter(
    "wallet_graphql_requests",
    "GraphQL operations by endpoint, operation and outcome",
    ["endpoint", "operation", "outcome"],
    registry=REGISTRY,
)
graphql_seconds = Histogram(
    "wallet_graphql_request_seconds",
    "Time to answer a GraphQL operation",
    ["endpoint", "operation"],
    registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
limit_refusals = Counter(
    "wallet_limit_refusals",
    "Requests refused by a limit (RATE_LIMITED, ACCOUNT_LOCKED)",
    ["code"],
    registry=REGISTRY,
)
READ: Final = "mostrecent"  # a gauge read from the database: whichever process read it last
closure_requests = Gauge(
    "wallet_closure_requests",
    "Closure requests by state",
    ["state"],
    registry=REGISTRY,
    multiprocess_mode=READ,
)
outbox_backlog = Gauge(
    "wallet_outbox_backlog",
    "SMS waiting to be delivered",
    ["lane"],
    registry=REGISTRY,
    multiprocess_mode=READ,
)
outbox_oldest_seconds = Gauge(
    "wallet_outbox_oldest_seconds",
    "Age of the oldest SMS waiting",
    ["lane"],
    registry=REGISTRY,
    multiprocess_mode=READ,
)
outbox_expired = Gauge(
    "wallet_outbox_expired",
    "SMS that expired undelivered (see `wallet-closure outbox`)",
    registry=REGISTRY,
    multiprocess_mode=READ,
)
worker_lag_seconds = Gauge(
    "wallet_worker_lag_seconds",
    "How long the oldest confirmed closure has waited for completion",
    registry=REGISTRY,
    multiprocess_mode=READ,
)

# The GraphQL operation a request ran, as its metrics label names it: for the access log line.
operation: ContextVar[str | None] = ContextVar("operation", default=None)


def exposition() -> bytes:
    """Every metric in Prometheus's text format: this process's, or under several processes
    the sum of them all."""
    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not shared:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, shared)  # type: ignore[no-untyped-call]
    return generate_latest(registry)
