"""Bounds on a document before it runs (spec §6), and masking of unexpected errors."""

import functools
import logging
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import prometheus_client
import strawberry
from graphql import FieldNode, GraphQLError, GraphQLSyntaxError, ValidationContext, ValidationRule
from opentelemetry.trace import Span
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as max_depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from services import database, metrics, tracing

log = logging.getLogger("wallet.graphql")

MAX_ALIASES = 100
MAX_DEPTH = 10
MAX_TOKENS = 2000
MAX_SAME_FIELD = 500


class RepeatedFieldLimit(ValidationRule):
    """Refuses a document that names the same field MAX_SAME_FIELD times or more."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.seen: Counter[str] = Counter()

    def enter_field(self, node: FieldNode, *_: object) -> None:
        name = node.name.value
        self.seen[name] += 1
        if self.seen[name] == MAX_SAME_FIELD:
            self.report_error(
                GraphQLError(f"'{name}' is requested {MAX_SAME_FIELD} times or more", node)
            )


# Built once: the validation cache keys on the rule classes, and MaxAliasesLimiter(...) or
# QueryDepthLimiter(...) would make new ones for every request, so that it never hits.
VALIDATION_RULES = [
    max_aliases_rule(MAX_ALIASES),
    max_depth_rule(MAX_DEPTH, None),
    RepeatedFieldLimit,
]


def is_unexpected(error: GraphQLError) -> bool:
    """Validation errors and the errors we raise on purpose reach the client; nothing else."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


MASKED_MESSAGE = "Internal error; quote the request id to support."


UNAVAILABLE_MESSAGE = "The service is briefly unavailable; retry in a few seconds."
UNAVAILABLE = "SERVICE_UNAVAILABLE"
RETRY_AFTER_SECONDS = 2


def masked(error: GraphQLError, request_id: str | None) -> GraphQLError:
    """An unexpected error as the client sees it; its traceback goes to the log. A database
    that is briefly gone is SERVICE_UNAVAILABLE (the endpoint answers 503 with Retry-After),
    which the apps retry."""
    if error.original_error is not None and database.is_unavailable(error.original_error):
        log.warning(
            "request %s: the database is unavailable (%s)",
            request_id,
            type(error.original_error).__name__,
        )
        code, text = UNAVAILABLE, UNAVAILABLE_MESSAGE
    else:
        log.error("request %s failed", request_id, exc_info=error.original_error)
        code, text = "INTERNAL_SERVER_ERROR", MASKED_MESSAGE
    return GraphQLError(
        text,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": code, "requestId": request_id},
    )


def unavailable(answer: dict[str, Any]) -> bool:
    """Whether an answer holds a SERVICE_UNAVAILABLE error: its status is 503 then."""
    return any(
        (e.get("extensions") or {}).get("code") == UNAVAILABLE for e in answer.get("errors") or []
    )


class MaskUnexpectedErrors(MaskErrors):
    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return masked(error, getattr(self.execution_context.context, "request_id", None))


class OperationLabels:
    """The `operation` label of the metrics, which no client can grow: the apps' trusted and
    registered operations by name (the desk's first 64 names, its console being ours),
    anything else `other`. The apps' endpoint says which names it trusts."""

    def __init__(self) -> None:
        self.trusted: frozenset[str] = frozenset()
        self.desk: set[str] = set()

    def __call__(self, endpoint: str, name: str | None) -> str:
        if name is None:
            return "anonymous"
        if endpoint == "customer":
            return name if name in self.trusted else "other"
        if name in self.desk or len(self.desk) < 64:
            self.desk.add(name)
            return name
        return "other"


operation_label = OperationLabels()


def name_operation(span: Span | None, endpoint: str, kind: str, name: str | None) -> None:
    """Names an operation's span by its type and the bounded name the metrics use (a
    document typed by hand is `other`), with the name it gave itself as an attribute."""
    if span is None:  # tracing is off
        return
    span.update_name(f"{kind} {operation_label(endpoint, name)}")
    span.set_attributes(
        {
            "graphql.operation.type": kind,
            "graphql.operation.name": (name or "")[:64],
            "wallet.endpoint": endpoint,
        }
    )


def observe(
    endpoint: str, operation_name: str | None, errors: list[GraphQLError], seconds: float
) -> None:
    """Counts and times one operation by endpoint, name and outcome."""
    name = operation_label(endpoint, operation_name)
    metrics.operation.set(name)
    codes = {(e.extensions or {}).get("code") for e in errors}
    outcome = (
        "ok"
        if not errors
        else "error"
        if "INTERNAL_SERVER_ERROR" in codes
        else next(iter(sorted(c for c in codes if c)))
        if codes - {None}
        else "invalid"
    )
    _counter(endpoint, name, outcome).inc()
    _timer(endpoint, name).observe(seconds)


# Each label set's child looked up once: labels() takes a lock and checks every value. The
# names are bounded (operation_label), so are these.
@functools.cache
def _counter(endpoint: str, name: str, outcome: str) -> prometheus_client.Counter:
    return metrics.graphql_requests.labels(endpoint, name, outcome)


@functools.cache
def _timer(endpoint: str, name: str) -> prometheus_client.Histogram:
    return metrics.graphql_seconds.labels(endpoint, name)


class Observed(SchemaExtension):
    def __init__(
        self, *, execution_context: ExecutionContext | None = None, endpoint: str = "customer"
    ) -> None:
        self.endpoint = endpoint

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        context = self.execution_context
        with tracing.span("operation") as span:
            yield
            kind = context.operation_type.value if context.graphql_document else "operation"
            name_operation(span, self.endpoint, kind, context.operation_name)
        result = context.result
        errors = list(getattr(result, "errors", None) or context.pre_execution_errors or [])
        observe(self.endpoint, context.operation_name, errors, time.perf_counter() - started)


VARIABLE = re.compile(r"Variable '(\$\w+)'")
AT_PATH = re.compile(r" at '?([\w.\[\]]+)'?")
STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')


def redacted(message: str) -> str:
    """A refusal's message fit for the log: a variable's value never appears (graphql-core
    quotes it whole, a password or a phone number included), only its name and where it
    failed; string literals typed into a document are blanked too."""
    variable = VARIABLE.match(message)
    if variable:
        at = AT_PATH.search(message)
        return f"Variable '{variable[1]}' is invalid" + (f" at {at[1]}" if at else "")
    return STRING_LITERAL.sub('"…"', message)


PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"


def apollo_code(error: GraphQLError) -> str | None:
    """The code Apollo Server gives an error of the document or its variables (clients and
    their tooling switch on these); None for an error that has its own or none to have."""
    if (error.extensions or {}).get("code") or error.path or is_unexpected(error):
        return None
    if VARIABLE.match(error.message):
        return BAD_USER_INPUT  # a variable that does not coerce, or a required one missing
    if isinstance(error, GraphQLSyntaxError) and "tokens" not in error.message:
        return PARSE_FAILED
    return VALIDATION_FAILED  # the rules and the document limits (the token count too)


class WalletSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Every error of the document or its variables gets Apollo's code; each refusal
        (those, a login, a role) is one line; an unexpected error was logged with its
        traceback where it was masked."""
        for error in errors:
            if code := apollo_code(error):
                error.extensions = {**(error.extensions or {}), "code": code}
            if not is_unexpected(error):
                code = (error.extensions or {}).get("code", "INVALID")
                log.info("refused %s: %s", code, redacted(error.message))


def hardening(*, production: bool, endpoint: str = "customer") -> dict[str, Any]:
    """Extensions and config of every schema we serve: bounds, caches, masking; and in
    production no introspection and no field suggestions."""
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: AddValidationRules(VALIDATION_RULES),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        MaskUnexpectedErrors,
        lambda: Observed(endpoint=endpoint),
    ]
    if production:
        extensions.append(DisableIntrospection)
    return {
        "extensions": extensions,
        "config": StrawberryConfig(disable_field_suggestions=production),
    }
