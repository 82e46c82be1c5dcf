"""What operators see: request ids on every answer and log line, JSON logs, security
headers, /livez, /readyz and Prometheus metrics at /metrics."""

import asyncio
import functools
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, NamedTuple

import orjson
from prometheus_client import CONTENT_TYPE_LATEST
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.database import pending_migrations
from services import metrics, tracing
from services.closure import jobs
from services.database import default_client
from services.notify import backlog
from services.runtime import Runtime

request_id: ContextVar[str] = ContextVar("request_id", default="-")
access = logging.getLogger("wallet.access")  # one line a request, as fields
WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
REQUEST_ID = b"x-request-id"
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
# Answers that may carry a token, a phone number or personal data: never cached.
NO_STORE = ("/graphql", "/staff/graphql", "/exports/")
CACHE_CONTROL, STORE_NOTHING = b"cache-control", b"no-store"
NO_STORE_HEADERS = [*SECURITY_HEADERS, (CACHE_CONTROL, STORE_NOTHING)]
OURS = frozenset([REQUEST_ID, *(name for name, _ in NO_STORE_HEADERS)])


class RequestContext:
    """Gives each request an id (a well-formed incoming X-Request-Id is kept, so that a
    proxy's id runs through), sets it for the logs, and adds it and the security headers to
    every answer; and writes the access line, unless told not to."""

    def __init__(self, app: ASGIApp, *, access_log: bool = True) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope["headers"]) or os.urandom(16).hex()
        token, operation = request_id.set(rid), metrics.operation.set(None)
        no_store = scope["path"].startswith(NO_STORE)
        started, status = time.perf_counter(), 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = _with_ours(message.get("headers", ()), rid, no_store)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if self.access_log and access.isEnabledFor(logging.INFO):
                access_lines.add(scope, status, time.perf_counter() - started, rid)
            metrics.operation.reset(operation)
            request_id.reset(token)


def _incoming_id(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == REQUEST_ID:
            incoming = value.decode("latin-1")
            return incoming if WELL_FORMED_ID.fullmatch(incoming) else None
    return None


def _with_ours(
    headers: Iterable[tuple[bytes, bytes]], rid: str, no_store: bool
) -> list[tuple[bytes, bytes]]:
    """The answer's headers with the request id and, where no_store, `no-store` in place of
    theirs, and the security headers it did not set itself."""
    theirs = list(headers)
    ours = [
        (REQUEST_ID, rid.encode("latin-1")),
        *(NO_STORE_HEADERS if no_store else SECURITY_HEADERS),
    ]
    if OURS.isdisjoint([name for name, _ in theirs]):  # as good as always
        return theirs + ours
    replaced = (REQUEST_ID, CACHE_CONTROL) if no_store else (REQUEST_ID,)
    kept = [(name, value) for name, value in theirs if name not in replaced]
    present = {name for name, _ in kept}
    return kept + [header for header in ours if header[0] not in present]


class AccessLine(NamedTuple):
    created: float
    method: str
    path: str
    status: int
    duration_ms: float
    operation: str | None
    request_id: str
    trace_id: str | None

    def fields(self) -> dict[str, Any]:
        """As the log's formatter writes a record of the access logger."""
        created, method, path, status, duration_ms, operation, rid, trace_id = self
        fields = {
            "time": iso_time(created),
            "level": "INFO",
            "logger": access.name,
            "message": f"{method} {path} {status}",
            "request_id": rid,
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "operation": operation,
        }
        if trace_id is not None:
            fields["trace_id"] = trace_id
        return fields

    def message(self) -> str:
        return str(self.fields()["message"])

    def extra(self) -> dict[str, Any]:
        """The fields a record carries besides its own (time, level, logger, message)."""
        own = ("time", "level", "logger", "message")
        return {name: value for name, value in self.fields().items() if name not in own}


class AccessLines:
    """The access lines, one a request, written in batches a moment after their requests (as
    nginx's `access_log ... flush=`): a line costs a tenth of what it costs in the middle of
    its request, whose code it would push out of the processor's caches. A line waits at
    most FLUSH_SECONDS, or until BATCH lines wait; a crash loses those.

    Where `configure_logging` set the log up, a batch is one write to its stream, of the
    lines its formatter would write (a record and its formatting cost five times as much);
    elsewhere (an embedding app's logging, the tests' capture) each line is a record."""

    FLUSH_SECONDS = 0.02
    BATCH = 512

    def __init__(self) -> None:
        self.waiting: list[AccessLine] = []
        self.due: asyncio.TimerHandle | None = None
        self.due_on: asyncio.AbstractEventLoop | None = None
        self.handler: logging.StreamHandler[Any] | None = None  # configure_logging's

    def add(self, scope: Scope, status: int, seconds: float, rid: str) -> None:
        self.waiting.append(
            AccessLine(
                time.time(),
                scope["method"],
                scope["path"],
                status,
                int(seconds * 10_000 + 0.5) / 10,  # ms to a tenth (round() goes by strings)
                metrics.operation.get(),
                rid,
                tracing.trace_id() if tracing.on() else None,
            )
        )
        loop = asyncio.get_running_loop()
        if len(self.waiting) >= self.BATCH:
            self.flush()
        elif self.due is None or self.due_on is not loop:  # an earlier loop (tests) ended
            self.due, self.due_on = loop.call_later(self.FLUSH_SECONDS, self.flush), loop

    def flush(self) -> None:
        waiting, self.waiting = self.waiting, []
        if self.due is not None:
            self.due.cancel()
        self.due = None
        if self.handler is None:
            for line in waiting:
                record = access.makeRecord(
                    access.name, logging.INFO, "", 0, line.message(), (), None, extra=line.extra()
                )
                record.created = line.created
                access.handle(record)
            return
        newline = orjson.OPT_APPEND_NEWLINE
        text = b"".join(orjson.dumps(line.fields(), option=newline) for line in waiting).decode()
        self.handler.acquire()  # as the handler writes its other records
        try:
            self.handler.stream.write(text)
            self.handler.flush()
        except (OSError, ValueError):  # the stream is gone: nowhere to say so
            pass
        finally:
            self.handler.release()


access_lines = AccessLines()  # one a process: the lifespan flushes it at the end


def iso_time(created: float) -> str:
    """ISO 8601 with its zone (UTC), to the millisecond."""
    second = int(created)
    return _date_and_time(second) + MILLISECONDS[int((created - second) * 1000)]


MILLISECONDS = tuple(f".{ms:03d}+00:00" for ms in range(1000))


@functools.lru_cache(maxsize=4)  # a batch of lines falls within a second or two
def _date_and_time(second: int) -> str:
    return datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S")


class _IsoTimes(OrjsonFormatter):
    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso_time(record.created)


class _WithRequestId(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        if tracing.on():
            found = tracing.trace_id()
            if found:
                record.trace_id = found
        return True


def configure_logging(level: int = logging.INFO) -> None:
    """One JSON object a line, each with the request id it belongs to (and, when traces are
    on, the id of the trace it was written in)."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        _IsoTimes(
            "{asctime}{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            reserved_attrs=[*RESERVED_ATTRS, "color_message"],
        )
    )  # uvicorn's ANSI-coloured copy
    handler.addFilter(_WithRequestId())
    # No caller's file and line, thread, process or multiprocessing name in any record: no
    # line shows them, and finding them is a tenth of what a record costs (the logging
    # HOWTO's "Optimization").
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    root = logging.getLogger()
    root.handlers[:] = [handler]
    access_lines.handler = handler
    root.setLevel(level)
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # RequestContext writes the access line; uvicorn's own (with the client's address) never,
    # also where an app factory sets logging up after uvicorn did (`serve --workers N`).
    logging.getLogger("uvicorn.access").handlers[:] = []
    logging.getLogger("uvicorn.access").propagate = False


async def livez(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(_: Request) -> Response:
    """200 when the database answers and every committed migration is applied; else 503."""
    try:
        missing = await pending_migrations(default_client())
    except Exception as error:  # unreachable, or no schema at all
        return JSONResponse(
            {"status": "unavailable", "database": type(error).__name__}, status_code=503
        )
    if missing:
        return JSONResponse({"status": "unavailable", "migrations": missing}, status_code=503)
    return JSONResponse({"status": "ok"})


def metrics_endpoint(runtime: Runtime) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(_: Request) -> Response:
        # Figures that live in the database are read when scraped.
        waiting = await backlog.measure(runtime)
        for lane, count in waiting.waiting.items():
            metrics.outbox_backlog.labels(lane.value).set(count)
            metrics.outbox_oldest_seconds.labels(lane.value).set(waiting.oldest_seconds[lane])
        metrics.outbox_expired.set(waiting.expired)
        for state, count in (await jobs.by_state()).items():
            metrics.closure_requests.labels(state).set(count)
        metrics.worker_lag_seconds.set(await jobs.completion_lag(runtime))
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return endpoint


class MetricsListener:
    """What comes in on the metrics listener's port (WALLET_METRICS_ADDRESS, a socket of its
    own that `serve` binds beside the API's) is /metrics or nothing; the API's routes never
    answer there, nor, in production, /metrics on the API's port."""

    def __init__(self, app: ASGIApp, port: int, metrics: ASGIApp) -> None:
        self.app = app
        self.port = port
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        server = scope.get("server")
        if scope["type"] != "http" or not server or server[1] != self.port:
            await self.app(scope, receive, send)
        elif scope["path"] == "/metrics" and scope["method"] == "GET":
            await self.metrics(scope, receive, send)
        else:
            await Response("only /metrics here", status_code=404)(scope, receive, send)
