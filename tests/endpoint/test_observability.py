"""What an operator sees of a running `serve`: request ids, JSON logs without secrets,
security headers, /livez, /readyz, /metrics (on its own listener in production) and traces."""

import asyncio
import contextlib
import gc
import http.server
import io
import json
import logging
import os
import socket
import sqlite3
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from server.app import create_app
from server.observability import (
    AccessLines,
    RequestContext,
    access_lines,
    configure_logging,
    iso_time,
)
from server.settings import Settings
from services.runtime import Runtime
from tests.helpers import free_port, production_env, served
from tests.operations import OPERATIONS, STAFF_OPERATIONS

PHONE = "13800000001"


def call(
    url: str,
    body: dict | None = None,
    headers: dict | None = None,
) -> tuple[int, dict, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, headers={"content-type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.own_sqlite
def test_a_journey_leaves_metrics_request_ids_and_logs_without_secrets(tmp_path: Path) -> None:
    env = {
        "WALLET_SMS_BACKEND": "file",
        "WALLET_SMS_FILE": str(tmp_path / "sms.jsonl"),
        "WALLET_CAPTCHA_TEST_ANSWER": "TEST",
        "WALLET_WORKER_INTERVAL_SECONDS": "0.2",
    }
    with served(tmp_path, env=env, log=tmp_path / "server.log", worker=True) as (base, _):
        graphql = f"{base}/graphql"
        # a customer logs in with an SMS code and looks at the account
        captcha = json.loads(
            call(graphql, {"query": "mutation { createCaptcha(purpose: LOGIN) { captchaId } }"})[2]
        )
        call(
            graphql,
            {
                "query": "mutation($i: SendLoginCodeInput!) { sendLoginCode(input: $i)"
                " { errors { code } } }",
                "variables": {
                    "i": {
                        "phone": PHONE,
                        "captchaAnswer": "TEST",
                        "captchaId": captcha["data"]["createCaptcha"]["captchaId"],
                    }
                },
            },
        )
        for _ in range(100):
            sent = tmp_path / "sms.jsonl"
            if sent.exists() and sent.read_text().strip():
                break
            time.sleep(0.1)
        code = json.loads(sent.read_text().splitlines()[-1])["code"]
        login = json.loads(
            call(
                graphql,
                {
                    "query": "mutation($i: LoginWithCodeInput!) "
                    "{ loginWithCode(input: $i) { token } }",
                    "variables": {"i": {"phone": PHONE, "code": code, "deviceName": "phone"}},
                },
            )[2]
        )
        token = login["data"]["loginWithCode"]["token"]
        status, headers, body = call(
            graphql,
            {"query": "query Me { me { phoneMasked } }"},
            {"authorization": f"Bearer {token}", "x-request-id": "support-case-0815"},
        )
        anonymous = call(graphql, {"query": "query Me { me { phoneMasked } }"})

        # then
        assert (status, json.loads(body)) == (200, {"data": {"me": {"phoneMasked": "138****0001"}}})
        assert headers["x-request-id"] == "support-case-0815"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"
        assert "server" not in {name.lower() for name in headers}  # what it runs on: nobody's
        assert len(anonymous[1]["x-request-id"]) == 32
        assert call(f"{base}/readyz")[:1] == (200,)
        metrics = call(f"{base}/metrics")[2].decode()
        assert (
            'wallet_graphql_requests_total{endpoint="customer",operation="Me",outcome="ok"} 1.0'
        ) in metrics
        assert (
            'wallet_graphql_requests_total{endpoint="customer",operation="Me",'
            'outcome="UNAUTHENTICATED"} 1.0'
        ) in metrics
        assert 'wallet_outbox_backlog{lane="CODES"} 0.0' in metrics
        assert "wallet_worker_lag_seconds 0.0" in metrics

        # a migration the database lacks makes it unready
        database = sqlite3.connect(tmp_path / "wallet.sqlite3")
        with database:
            database.execute(
                "DELETE FROM tortoise_migrations WHERE name = "
                "(SELECT max(name) FROM tortoise_migrations)"
            )
        database.close()
        unready = call(f"{base}/readyz")
        assert unready[0] == 503 and json.loads(unready[2])["migrations"]

    # the demo banner (stdout) names the demo phones; the log lines must not
    lines = [
        line for line in (tmp_path / "server.log").read_text().splitlines() if line.startswith("{")
    ]
    records = [json.loads(line) for line in lines]
    text = "\n".join(lines)
    assert records and all("request_id" in r for r in records)
    assert code not in text and token not in text
    assert PHONE not in text and f"+86{PHONE}" not in text
    refusals = [r for r in records if "UNAUTHENTICATED" in r["message"]]
    assert len(refusals) == 1 and "Traceback" not in text
    # one access line a request, as fields an operator can query
    (me,) = [
        r
        for r in records
        if r["logger"] == "wallet.access" and r["request_id"] == "support-case-0815"
    ]
    assert {k: me[k] for k in ("method", "path", "status", "operation")} == {
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "operation": "Me",
    }
    assert isinstance(me["duration_ms"], float) and me["duration_ms"] >= 0
    assert all(datetime.fromisoformat(r["time"]).utcoffset() == timedelta(0) for r in records)
    assert not [r for r in records if r["logger"] == "uvicorn.access"]


def admin(sql: str) -> None:
    async def run() -> None:
        connection = await asyncpg.connect(os.environ["WALLET_TEST_DATABASE_URL"])
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    asyncio.run(run())


@pytest.mark.postgres
def test_readyz_fails_while_the_database_is_unreachable(tmp_path: Path) -> None:
    base = os.environ["WALLET_TEST_DATABASE_URL"]
    name = f"wallet_ready_{os.getpid()}"
    admin(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        with served(tmp_path, demo_data=False, env={"WALLET_DATABASE_URL": url}) as (root, _):
            ready = call(f"{root}/readyz")
            admin(f'DROP DATABASE "{name}" WITH (FORCE)')
            unreachable = call(f"{root}/readyz")
            alive = call(f"{root}/livez")
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert ready[0] == 200
    assert unreachable[0] == 503 and json.loads(unreachable[2])["status"] == "unavailable"
    assert alive[0] == 200


@pytest.mark.own_sqlite
def test_no_variable_value_reaches_the_log_in_production(tmp_path: Path) -> None:
    # a malformed variable makes graphql-core quote the whole value in its message
    secrets = ["Secret-pass-9", "13812345678", "Staff-secret-9", "654321"]
    production = {**production_env(tmp_path), "WALLET_STAFF_API": "on"}
    with served(tmp_path, demo_data=False, env=production, log=tmp_path / "server.log") as (
        base,
        _,
    ):
        customer = call(
            f"{base}/graphql",
            {
                "query": OPERATIONS["LoginWithPassword"],
                "variables": {
                    "input": {"phone": secrets[1], "password": secrets[0], "deviceName": 5}
                },
            },
        )
        desk = call(
            f"{base}/staff/graphql",
            {
                "query": STAFF_OPERATIONS["StaffLogin"],
                "variables": {
                    "input": {"username": "agent", "password": secrets[2], "totpCode": [secrets[3]]}
                },
            },
        )

    answers = [(status, len(json.loads(body)["errors"])) for status, _, body in (customer, desk)]
    log = (tmp_path / "server.log").read_text()
    refusals = [
        json.loads(line)["message"]
        for line in log.splitlines()
        if line.startswith("{") and "refused" in line
    ]
    assert answers == [(200, 1), (200, 1)]
    assert len(refusals) == 2, log
    assert all("Variable '$input' is invalid" in r for r in refusals), refusals
    assert [s for s in secrets if s in log] == []


class DatabaseLine:
    """A TCP relay between `serve` and PostgreSQL that can cut every connection and refuse
    new ones for a while: what a restart of the database looks like from the server."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.open = threading.Event()
        self.open.set()
        self.sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open.is_set():
                client.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for s in (source, target):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def cut(self) -> None:
        self.open.clear()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
        self.sockets.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.mark.postgres
def test_a_database_restart_answers_service_unavailable_with_retry_after(tmp_path: Path) -> None:
    base = os.environ["WALLET_TEST_DATABASE_URL"]
    name = f"wallet_restart_{os.getpid()}"
    admin(f'CREATE DATABASE "{name}"')
    line = DatabaseLine(int(base.rsplit(":", 1)[1].split("/")[0]))
    url = base.rsplit("/", 1)[0].rsplit(":", 1)[0] + f":{line.port}/{name}"
    try:
        with served(tmp_path, env={"WALLET_DATABASE_URL": url}) as (root, _):
            login = {
                "query": OPERATIONS["LoginWithPassword"],
                "variables": {
                    "input": {"phone": PHONE, "password": "Demo-pass-1", "deviceName": "phone"}
                },
            }
            before = call(f"{root}/graphql", login)
            line.cut()  # the database goes away: connections dropped, new ones refused
            during = [call(f"{root}/graphql", login) for _ in range(3)]
            line.open.set()
            after = call(f"{root}/graphql", login)
    finally:
        line.close()
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert before[0] == 200 and json.loads(before[2])["data"]["loginWithPassword"]["token"]
    for status, headers, body in during:
        assert (status, headers["retry-after"]) == (503, "2"), body
        assert [e["extensions"]["code"] for e in json.loads(body)["errors"]] == [
            "SERVICE_UNAVAILABLE"
        ]
    assert after[0] == 200 and json.loads(after[2])["data"]["loginWithPassword"]["token"]


class OtlpReceiver:
    """An OTLP/HTTP endpoint that keeps the spans it is sent (what a collector would get)."""

    def __init__(self) -> None:
        self.spans: list[Any] = []
        received = self.spans

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                request = trace_service_pb2.ExportTraceServiceRequest()
                request.ParseFromString(self.rfile.read(int(self.headers["content-length"])))
                for resource in request.resource_spans:
                    service = {a.key: a.value.string_value for a in resource.resource.attributes}
                    for scope in resource.scope_spans:
                        received.extend((service, span) for span in scope.spans)
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def named(self, name: str) -> list[Any]:
        return [span for _, span in self.spans if span.name == name]


@pytest.mark.own_sqlite
def test_a_production_server_traces_serves_metrics_apart_and_logs_fields(tmp_path: Path) -> None:
    receiver, metrics_port = OtlpReceiver(), free_port()
    production = {
        **production_env(tmp_path),
        "WALLET_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
        "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
        "OTEL_SERVICE_NAME": "wallet-closure-test",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
    }
    listener = f"http://127.0.0.1:{metrics_port}"
    with served(tmp_path, demo_data=False, env=production, log=tmp_path / "server.log") as (
        base,
        _,
    ):
        status, headers, body = call(
            f"{base}/graphql",
            {"query": OPERATIONS["Me"]},
            {"authorization": "Bearer not-a-session", "x-request-id": "case-4711-abc"},
        )
        on_the_api_port = call(f"{base}/metrics")[0]
        scraped = call(f"{listener}/metrics")
        api_on_the_listener = call(f"{listener}/graphql", {"query": OPERATIONS["Me"]})[0]
        for _ in range(100):
            if receiver.named("query Me"):
                break
            time.sleep(0.1)

    assert status == 200 and json.loads(body)["errors"][0]["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )
    # metrics: on their own listener only
    assert (on_the_api_port, scraped[0], api_on_the_listener) == (404, 200, 404)
    assert (
        'wallet_graphql_requests_total{endpoint="customer",operation="Me",'
        'outcome="UNAUTHENTICATED"} 1.0'
    ) in scraped[2].decode()
    # spans: the request, its operation inside it, the statement that looked for the session
    [request] = receiver.named("POST /graphql")
    [operation] = receiver.named("query Me")
    assert operation.parent_span_id == request.span_id
    statements = [
        span
        for _, span in receiver.spans
        if span.parent_span_id == operation.span_id and span.name == "SELECT"
    ]
    assert len(statements) == 1
    assert {service["service.name"] for service, _ in receiver.spans} == {"wallet-closure-test"}
    # the access line: fields, an ISO time with its zone, the request and trace ids
    records = [
        json.loads(line)
        for line in (tmp_path / "server.log").read_text().splitlines()
        if line.startswith("{")
    ]
    [access] = [r for r in records if r["logger"] == "wallet.access" and r["path"] == "/graphql"]
    assert access["method"] == "POST" and access["status"] == 200
    assert access["operation"] == "Me" and access["request_id"] == headers["x-request-id"]
    assert isinstance(access["duration_ms"], float)
    assert datetime.fromisoformat(access["time"]).utcoffset() == timedelta(0)
    assert access["trace_id"] == request.trace_id.hex()


@pytest.mark.postgres
def test_serve_with_two_processes_counts_them_together_on_the_metrics_listener(
    tmp_path: Path,
) -> None:
    base = os.environ["WALLET_TEST_DATABASE_URL"]
    name = f"wallet_workers_{os.getpid()}"
    admin(f'CREATE DATABASE "{name}"')
    metrics_port = free_port()
    env = {
        "WALLET_DATABASE_URL": base.rsplit("/", 1)[0] + f"/{name}",
        "WALLET_METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
    }
    try:
        with served(
            tmp_path, demo_data=False, env=env, processes=2, log=tmp_path / "server.log"
        ) as (root, _):
            for _ in range(30):  # a connection each: the processes take turns accepting
                assert call(f"{root}/graphql", {"query": OPERATIONS["Me"]})[0] == 200
            scrapes = [call(f"http://127.0.0.1:{metrics_port}/metrics") for _ in range(6)]
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    counted = (
        'wallet_graphql_requests_total{endpoint="customer",operation="Me",'
        'outcome="UNAUTHENTICATED"} 30.0'
    )
    assert all(status == 200 and counted in body.decode() for status, _, body in scrapes)
    lines = [
        json.loads(x) for x in (tmp_path / "server.log").read_text().splitlines() if x[:1] == "{"
    ]
    access = [r for r in lines if r["logger"] == "wallet.access" and r["path"] == "/graphql"]
    assert len(access) == 30  # one line a request, ours: uvicorn's own never
    assert not [r for r in lines if r["logger"] == "uvicorn.access"]


@pytest.mark.parametrize("access_log", [True, False])
async def test_the_access_line_can_be_left_to_the_proxy(
    orm: str, runtime: Runtime, access_log: bool, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(database_url=orm, secret_key="k" * 32, access_log=access_log)
    app = create_app(settings, runtime, manage_orm=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://wallet.test") as client:
        with caplog.at_level(logging.INFO):
            answer = await client.get("/livez", headers={"x-request-id": "case-0815-abc"})
            # written a moment after its request, in a batch
            await asyncio.sleep(AccessLines.FLUSH_SECONDS * 3)

    lines = [r for r in caplog.records if r.name == "wallet.access"]
    assert answer.headers["x-request-id"] == "case-0815-abc"
    assert [r.getMessage() for r in lines] == (["GET /livez 200"] if access_log else [])
    assert [r.request_id for r in lines] == (["case-0815-abc"] if access_log else [])


async def test_a_batch_of_access_lines_is_what_the_log_formatter_writes() -> None:
    root = logging.getLogger()
    before = root.handlers[:], root.level, access_lines.handler
    try:
        configure_logging()
        stream = io.StringIO()
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(stream)
        scope = {"method": "POST", "path": "/graphql?a=%s"}
        access_lines.add(scope, 200, 0.0042, "case-4711-abc")
        access_lines.add(scope, 503, 0.25, "case-4712-abc")
        [first, second] = access_lines.waiting
        access_lines.flush()
        written = [json.loads(line) for line in stream.getvalue().splitlines()]

        expected = []
        for line in (first, second):
            record = logging.getLogger("wallet.access").makeRecord(
                "wallet.access", logging.INFO, "", 0, line.message(), (), None, extra=line.extra()
            )
            record.created = line.created
            expected.append(json.loads(handler.format(record)))
    finally:
        root.handlers[:], access_lines.handler = before[0], before[2]
        root.setLevel(before[1])

    assert written == expected
    assert [(w["status"], w["request_id"], w["duration_ms"]) for w in written] == [
        (200, "case-4711-abc", 4.2),
        (503, "case-4712-abc", 250.0),
    ]
    assert written[0]["message"] == "POST /graphql?a=%s 200" and not access_lines.waiting


async def test_the_last_access_lines_are_written_when_the_app_stops(
    orm: str, runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=orm, secret_key="k" * 32), runtime, manage_orm=False)
    transport = httpx.ASGITransport(app=app)
    with caplog.at_level(logging.INFO):
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=transport, base_url="http://wallet.test") as client,
        ):
            await client.get("/livez", headers={"x-request-id": "last-before-stop"})
            waiting = [line.request_id for line in access_lines.waiting]
        # no pause: the lifespan's end wrote it, not the timer
        lines = [r.request_id for r in caplog.records if r.name == "wallet.access"]
    gc.unfreeze()  # what the lifespan froze is the test process's, not a server's

    assert waiting == ["last-before-stop"] and lines == ["last-before-stop"]


@pytest.mark.parametrize(
    ("path", "theirs", "expected"),
    [
        (
            "/graphql",
            [(b"content-type", b"application/json")],
            {"x-frame-options": "DENY", "cache-control": "no-store"},
        ),
        (  # an answer's own security header stays; its caching never does where no_store
            "/graphql",
            [(b"x-frame-options", b"SAMEORIGIN"), (b"cache-control", b"public, max-age=60")],
            {"x-frame-options": "SAMEORIGIN", "cache-control": "no-store"},
        ),
        (
            "/certificates/c-1",
            [(b"cache-control", b"public, max-age=60"), (b"x-request-id", b"theirs-0815")],
            {"x-frame-options": "DENY", "cache-control": "public, max-age=60"},
        ),
    ],
)
async def test_every_answer_has_the_request_id_and_security_headers_once(
    path: str, theirs: list[tuple[bytes, bytes]], expected: dict[str, str]
) -> None:
    async def answer(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": theirs})
        await send({"type": "http.response.body", "body": b"{}"})

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": []}
    await RequestContext(answer, access_log=False)(scope, None, send)  # type: ignore[arg-type]

    names = [name for name, _ in sent[0]["headers"]]
    headers = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    assert len(names) == len(set(names))
    assert {name: headers[name] for name in expected} == expected
    assert headers["x-content-type-options"] == "nosniff"
    assert len(headers["x-request-id"]) == 32 and headers["x-request-id"] != "theirs-0815"


def test_log_times_are_iso_8601_in_utc_to_the_millisecond() -> None:
    now = time.time()
    times = [0.0, 59.9996, 1_798_761_599.9999, now, now + 0.001, now + 1, now + 86_400]
    for created in times:
        written = datetime.fromisoformat(iso_time(created))
        assert written.utcoffset() == timedelta(0)
        assert -1e-6 < created - written.timestamp() < 0.001, (created, written)
    assert iso_time(1_798_761_599.9999) == "2026-12-31T23:59:59.999+00:00"
