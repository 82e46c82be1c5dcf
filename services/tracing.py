"""Traces (OpenTelemetry): the spans the layers open around what they do — a GraphQL
operation, a hand-written read, a worker job, an SMS or payout call. `server/tracing.py`
turns them on when an OTLP endpoint is configured; until then `span` hands out one shared
empty context manager, so that tracing off costs a function call."""

import contextlib
from contextlib import AbstractContextManager
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Tracer

_OFF: AbstractContextManager[None] = contextlib.nullcontext()
_tracer: Tracer | None = None


def turn_on(tracer: Tracer | None) -> None:
    """Spans from now on go to `tracer` (None: off again)."""
    global _tracer
    _tracer = tracer


def on() -> bool:
    return _tracer is not None


def span(
    name: str, *, kind: SpanKind = SpanKind.INTERNAL, attributes: dict[str, Any] | None = None
) -> AbstractContextManager[Span | None]:
    """A span named `name` around the block, the current one inside it (None when off).
    An exception leaving the block is recorded on it and marks it failed."""
    if _tracer is None:
        return _OFF
    return _tracer.start_as_current_span(name, kind=kind, attributes=attributes)


def trace_id() -> str | None:
    """The current trace's id as the backends show it (32 hex digits), if there is one."""
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None
