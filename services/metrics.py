"""Prometheus metrics, one registry for the process; /metrics serves it."""

from contextvars import ContextVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

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
closure_requests = Gauge(
    "wallet_closure_requests", "Closure requests by state", ["state"], registry=REGISTRY
)
outbox_backlog = Gauge(
    "wallet_outbox_backlog", "SMS waiting to be delivered", ["lane"], registry=REGISTRY
)
outbox_oldest_seconds = Gauge(
    "wallet_outbox_oldest_seconds", "Age of the oldest SMS waiting", ["lane"], registry=REGISTRY
)
outbox_expired = Gauge(
    "wallet_outbox_expired",
    "SMS that expired undelivered (see `wallet-closure outbox`)",
    registry=REGISTRY,
)
worker_lag_seconds = Gauge(
    "wallet_worker_lag_seconds",
    "How long the oldest confirmed closure has waited for completion",
    registry=REGISTRY,
)

# The GraphQL operation a request ran, as its metrics label names it: for the access log line.
operation: ContextVar[str | None] = ContextVar("operation", default=None)
