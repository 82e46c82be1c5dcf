"""The Starlette application: strawberry at /graphql, the ORM in the lifespan."""

import asyncio
import contextlib
import gc
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any, cast

from cross_web import HTTPException
from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
from opentelemetry.sdk.trace import TracerProvider
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from tortoise.contrib.starlette import RegisterTortoise
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from resolvers.context import Context
from resolvers.staff.context import StaffContext
from schema import documents, limits
from schema.api import build_schema
from schema.staff.api import build_staff_schema
from server import graphiql, observability, prepared, refusals, routes, tracing, trusted
from server.database import tortoise_config
from server.refusals import RefusalCode, Refused
from server.settings import Settings
from server.wiring import build_worker
from server.worker import Worker
from services.messages import negotiate
from services.runtime import Runtime

# The largest contract operation with its variables is well under 4 kB.
log = logging.getLogger("wallet.graphql")
MAX_BODY_BYTES = 64 * 1024


class BodySizeLimit:
    """Refuses request bodies over `limit` bytes with 413 before anything reads them whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.limit:
            await refusals.answer(
                413, RefusalCode.PAYLOAD_TOO_LARGE, f"The body is over {self.limit} bytes."
            )(scope, receive, send)
            return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:  # a chunked body that did not say its length
                raise StarletteHTTPException(413, "Request body too large")
            return message

        await self.app(scope, bounded, send)


class WalletGraphQL(GraphQL[Context | StaffContext, None]):
    """The customers' endpoint; `StaffGraphQL` is the same with the desk's schema and context."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        production: bool,
        trusted_only: bool = False,
        public_url: str | None = None,
    ) -> None:
        super().__init__(
            self.build(production=production),
            graphql_ide=None if production else "graphiql",
            allow_queries_via_get=False,  # a GET that runs a query is a CSRF door
        )
        self.runtime = runtime
        self.trusted_only = trusted_only
        self.public_url = public_url
        self.contract = documents.trusted() if self.persisted_documents else {}
        self.trusted = documents.Trusted(self.contract)
        self.refreshed_at = -trusted.REFRESH_SECONDS
        if self.persisted_documents:
            limits.operation_label.trusted = frozenset(
                op["name"] for op in documents.manifest_operations()
            )
        self.registered = documents.Registered()
        self.prepared = (
            prepared.PreparedOperations(
                cast(Schema, self.schema),
                self.trusted.bodies(),
                endpoint="customer",
            )
            if self.persisted_documents
            else None
        )

    persisted_documents = True  # the apps' endpoint: trusted documents and APQ

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            await self.refresh_trusted()
            response = await self.prepared_answer(request) or await self.run(request)
        except HTTPException as error:
            response = refusals.from_http_exception(error)
        except Refused as refusal:
            response = refusals.answer(refusal.status, refusal.code, refusal.message)
        except StarletteHTTPException as error:  # a streamed body grew past the limit
            response = refusals.answer(
                error.status_code, RefusalCode.PAYLOAD_TOO_LARGE, str(error.detail)
            )
        await response(scope, receive, send)

    async def refresh_trusted(self) -> None:
        """Every few seconds, the app builds' registered documents as the database has them
        now (added and retired by `wallet-closure trusted-documents`)."""
        now = time.monotonic()
        if self.prepared is None or now - self.refreshed_at < trusted.REFRESH_SECONDS:
            return
        self.refreshed_at = now
        try:
            registered = await trusted.live()
        except Exception as error:  # the database is briefly gone: keep what was trusted
            log.warning("registered documents not refreshed: %s", type(error).__name__)
            return
        by_id = {**self.contract, **{d.id: d.body for d in registered}}
        if by_id.keys() == self.trusted.by_id.keys():
            return
        for document in registered:
            try:
                self.prepared.prepare(document.body)
            except ValueError as error:  # registered against an older schema
                log.warning("registered document %s no longer fits: %s", document.name, error)
                by_id.pop(document.id)
        self.trusted = documents.Trusted(by_id)
        limits.operation_label.trusted = frozenset(
            {op["name"] for op in documents.manifest_operations()} | {d.name for d in registered}
        )

    async def prepared_answer(self, request: Request) -> Response | None:
        """The answer to a trusted document POSTed as JSON, from the short path; None for
        anything else, which `run` (strawberry's view) then answers."""
        if (
            self.prepared is None
            or request.method != "POST"
            or not request.headers.get("content-type", "").startswith("application/json")
        ):
            return None
        try:
            body = self.parse_json(await request.body())
        except json.JSONDecodeError:
            return None  # `run` refuses it
        if not isinstance(body, dict):
            return None
        self.resolve_document(body)
        prepared = self.prepared.find(body)
        if prepared is None:
            return None
        answer = await self.prepared.answer(
            prepared, body.get("variables"), self.context_for(request)
        )
        response = Response(self.encode_json(answer), media_type="application/json")
        return self.retry_later(response) if limits.unavailable(answer) else response

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if isinstance(response_data, dict) and limits.unavailable(response_data):
            return self.retry_later(response)
        return response

    @staticmethod
    def retry_later(response: Response) -> Response:
        response.status_code = 503
        response.headers["retry-after"] = str(limits.RETRY_AFTER_SECONDS)
        return response

    def resolve_document(self, request: dict[str, Any]) -> None:
        """Trusted documents (production) and Apollo's automatic persisted queries. A request
        names its document by `extensions.persistedQuery.sha256Hash` (Apollo), by
        `documentId` (`sha256:<hex>` or hex: GraphQL over HTTP, GraphQL Code Generator), or
        by its text, which is a trusted document whatever its white space, commas and
        comments; the body is looked up and put in `query`."""
        if not self.persisted_documents:
            return
        extensions = request.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        digest = digest if digest is not None else request.get("documentId")
        query = request.get("query")
        if digest is not None and not isinstance(digest, str):
            raise Refused(400, RefusalCode.BAD_REQUEST, "A document id must be a string.")
        digest = documents.digest_of(digest) if digest else None
        if digest and isinstance(query, str) and query:
            if documents.sha256(query) != digest:
                raise Refused(
                    400,
                    RefusalCode.PERSISTED_QUERY_HASH_MISMATCH,
                    "sha256Hash is not the SHA-256 of the query.",
                )
            if not self.trusted_only:
                self.registered.add(digest, query)
        elif digest:
            query = self.trusted.by_id.get(digest) or (
                None if self.trusted_only else self.registered.get(digest)
            )
            if query is None:
                if self.trusted_only:
                    raise Refused(
                        400,
                        RefusalCode.PERSISTED_QUERY_NOT_IN_LIST,
                        "This server runs only the apps' trusted documents.",
                    )
                raise Refused(
                    200, RefusalCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound"
                )  # Apollo's clients compare this
            request["query"] = query
        if isinstance(query, str) and query:
            found = self.trusted.find(query)
            if found is not None:
                request["query"] = found  # and so it runs prepared
            elif self.trusted_only:
                raise Refused(
                    400,
                    RefusalCode.PERSISTED_QUERY_NOT_IN_LIST,
                    "This server runs only the apps' trusted documents.",
                )

    build = staticmethod(build_schema)
    context_class: type[Context] | type[StaffContext] = Context

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context | StaffContext:
        assert isinstance(request, Request)
        return self.context_for(request)

    def context_for(self, request: Request) -> Context | StaffContext:
        return self.context_class(
            request=request,
            runtime=self.runtime,
            lang=negotiate(request.headers.get("accept-language")),
            request_id=observability.request_id.get(),
            public_url=self.public_url,
        )

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = super().parse_json(data)
        except UnicodeDecodeError:
            raise HTTPException(400, "The body must be UTF-8 JSON") from None
        if not isinstance(parsed, dict | list):  # strawberry would fail on it with a 500
            raise HTTPException(400, "The body must be a JSON object")
        try:  # "\ud800" is valid JSON but no text: it would fail deep inside with a 500
            json.dumps(parsed, ensure_ascii=False).encode()
        except UnicodeEncodeError:
            raise HTTPException(400, "The body must be UTF-8 text") from None
        if isinstance(parsed, dict):
            self.resolve_document(parsed)
        return parsed

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()


class StaffGraphQL(WalletGraphQL):
    build = staticmethod(build_staff_schema)
    context_class = StaffContext
    persisted_documents = False  # the bank's own console: not the apps' contract


def create_app(
    settings: Settings,
    runtime: Runtime,
    *,
    worker: Worker | None = None,
    manage_orm: bool = True,
    tracer_provider: TracerProvider | None = None,
) -> Starlette:
    """`manage_orm=False` when the caller (a test) owns the Tortoise setup; with a
    `tracer_provider` (server/tracing.py), every request has its span."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if manage_orm:
                await stack.enter_async_context(
                    RegisterTortoise(app, config=tortoise_config(settings.database_url))
                )
            if worker is not None:
                task = asyncio.create_task(worker.run_forever())
                stack.callback(task.cancel)
            # What is loaded by now (schemas, models, routes) lives as long as the process:
            # kept out of the collector's full passes, which otherwise stall requests (p99).
            gc.collect()
            gc.freeze()
            yield

    scrape = observability.metrics_endpoint(runtime)
    listener = settings.metrics_listener
    endpoints: list[BaseRoute] = [
        Route(
            "/graphql",
            WalletGraphQL(
                runtime,
                production=settings.production,
                trusted_only=settings.trusted_documents_on,
                public_url=str(settings.public_url).rstrip("/") if settings.public_url else None,
            ),
        ),
        Route("/health", observability.livez),  # the first release's name
        Route("/livez", observability.livez),
        Route("/readyz", observability.readyz),
        # In production /metrics is on the metrics listener only (MetricsListener).
        *([] if settings.production else [Route("/metrics", scrape)]),
        *(
            [Route("/staff/graphql", StaffGraphQL(runtime, production=settings.production))]
            if settings.staff_api_on
            else []
        ),
        Route(
            "/payouts/callback",
            routes.payout_callback(runtime, settings.payout_secret()),
            methods=["POST"],
        ),
        Route("/exports/{export_id}/download", routes.export_download(runtime)),
        Route("/certificates/{certificate_id}", routes.certificate_download(runtime, pdf=False)),
        Route("/certificates/{certificate_id}/pdf", routes.certificate_download(runtime, pdf=True)),
        Route("/.well-known/closure-certificate-keys.json", routes.certificate_keys),
    ]
    if not settings.production:
        endpoints.append(Mount("/static/graphiql", graphiql.assets()))
    proxies = [p.strip() for p in settings.trusted_proxies.split(",") if p.strip()]
    middleware = []
    if proxies:  # the client's address (limits, logs) from X-Forwarded-For only when the
        # peer is one of the trusted proxies; a forged header from anyone else changes nothing
        middleware.append(Middleware(ProxyHeadersMiddleware, trusted_hosts=proxies))
    if listener:  # scrapes are neither traced nor access-logged
        metrics = Route("/metrics", scrape)
        middleware.append(
            Middleware(observability.MetricsListener, port=listener[1], metrics=metrics)
        )
    if tracer_provider:
        middleware.append(
            Middleware(
                OpenTelemetryMiddleware,
                tracer_provider=tracer_provider,
                exclude_spans=["receive", "send"],
            )
        )
    middleware += [
        Middleware(observability.RequestContext),
        Middleware(BodySizeLimit, limit=MAX_BODY_BYTES),
    ]
    return Starlette(routes=endpoints, lifespan=lifespan, middleware=middleware)


def serving_app(settings: Settings, runtime: Runtime, *, with_worker: bool) -> Starlette:
    """The app `serve` runs: with the background worker in the same process, unless not."""
    worker = build_worker(settings, runtime) if with_worker else None
    if worker is not None:
        runtime.wake_worker = worker.wake
    return create_app(settings, runtime, worker=worker, tracer_provider=tracing.start(settings))
