"""The Starlette application: strawberry at /graphql, the ORM in the lifespan."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from tortoise.contrib.starlette import RegisterTortoise

from resolvers.context import Context
from resolvers.staff.context import StaffContext
from schema.api import build_schema
from schema.staff.api import build_staff_schema
from server import observability, routes
from server.database import tortoise_config
from server.settings import Settings
from server.worker import Worker
from services.messages import negotiate
from services.runtime import Runtime

GRAPHIQL = Path(__file__).parent / "static" / "graphiql"
# The largest contract operation with its variables is well under 4 kB.
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
            await PlainTextResponse("Request body too large", 413)(scope, receive, send)
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


class WalletGraphQL(GraphQL):
    """The customers' endpoint; `StaffGraphQL` is the same with the desk's schema and context."""

    def __init__(self, runtime: Runtime, *, production: bool) -> None:
        super().__init__(
            self.build(production=production),
            graphql_ide=None if production else "graphiql",
            allow_queries_via_get=False,  # a GET that runs a query is a CSRF door
        )
        self.runtime = runtime

    build = staticmethod(build_schema)
    context_class: type[Context] | type[StaffContext] = Context

    async def get_context(self, request: Request | WebSocket,
                          response: Response | WebSocket) -> Context | StaffContext:
        assert isinstance(request, Request) and isinstance(response, Response)
        return self.context_class(request=request, runtime=self.runtime,
                                  lang=negotiate(request.headers.get("accept-language")),
                                  request_id=observability.request_id.get())

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
        return parsed

    async def render_graphql_ide(self, request: Request) -> Response:
        return FileResponse(GRAPHIQL / "index.html")


class StaffGraphQL(WalletGraphQL):
    build = staticmethod(build_staff_schema)
    context_class = StaffContext


async def health(_: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings, runtime: Runtime, *, worker: Worker | None = None,
               manage_orm: bool = True) -> Starlette:
    """`manage_orm=False` when the caller (a test) owns the Tortoise setup."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if manage_orm:
                await stack.enter_async_context(
                    RegisterTortoise(app, config=tortoise_config(settings.database_url)))
            if worker is not None:
                task = asyncio.create_task(worker.run_forever())
                stack.callback(task.cancel)
            yield

    endpoints = [
        Route("/graphql", WalletGraphQL(runtime, production=settings.production),
              methods=["GET", "POST"]),
        Route("/health", health),
        Route("/livez", observability.livez),
        Route("/readyz", observability.readyz),
        Route("/metrics", observability.metrics_endpoint(runtime)),
        *([Route("/staff/graphql", StaffGraphQL(runtime, production=settings.production),
                 methods=["GET", "POST"])] if settings.staff_api_on else []),
        Route("/payouts/callback", routes.payout_callback(runtime, settings.payout_secret()),
              methods=["POST"]),
        Route("/exports/{export_id}/download", routes.export_download(runtime)),
    ]
    if not settings.production:
        endpoints.append(Mount("/static/graphiql", StaticFiles(directory=GRAPHIQL)))
    return Starlette(routes=endpoints, lifespan=lifespan,
                     middleware=[Middleware(observability.RequestContext),
                                 Middleware(BodySizeLimit, limit=MAX_BODY_BYTES)])
