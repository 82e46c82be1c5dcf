"""The two GraphQL endpoints and what they share: the body's size and JSON checks, the
refusals, the context, and one way through for every document — the short path of
server/prepared.py for whatever it prepared, strawberry's pipeline for the rest. The apps'
endpoint also decides which documents may run (server/trusted.py); the desk's runs whatever
its console sends."""

import json
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar, cast

import orjson
from cross_web import HTTPException
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL

from resolvers.context import Context
from resolvers.staff.context import StaffContext
from schema import limits
from schema.api import build_schema
from schema.staff.api import build_staff_schema
from server import graphiql, observability, prepared, refusals, trusted
from server.refusals import RefusalCode, Refused
from services.messages import negotiate
from services.runtime import Runtime

# The largest contract operation with its variables is well under 4 kB.
MAX_BODY_BYTES = 64 * 1024

AnyContext = TypeVar("AnyContext", Context, StaffContext)


class BodySizeLimit:
    """Refuses request bodies over `limit` bytes with 413 before anything reads them whole."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = transfer_encoding = None
        for name, value in scope["headers"]:
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                transfer_encoding = value
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await refusals.answer(
                413, RefusalCode.PAYLOAD_TOO_LARGE, f"The body is over {self.limit} bytes."
            )(scope, receive, send)
            return
        if declared is not None and transfer_encoding is None:
            await self.app(scope, receive, send)  # the server reads no more than it declared
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


def may_hold_a_lone_surrogate(data: str | bytes) -> bool:
    """A lone surrogate reaches the parsed body only as a `\\u` escape or, since json.loads
    decodes bytes with "surrogatepass", as UTF-8 bytes led by 0xED: without either, a body
    need not be encoded again to check it (most never are)."""
    if isinstance(data, str):
        return True
    return b"\\u" in data or b"\xed" in data


class Endpoint(GraphQL[AnyContext, None], Generic[AnyContext]):
    """One GraphQL endpoint: its schema, its context, its prepared documents."""

    name: str  # its metrics label
    build: Callable[..., Schema]
    context_class: type[AnyContext]

    def __init__(
        self,
        runtime: Runtime,
        *,
        production: bool,
        public_url: str | None = None,
        held: int = prepared.PreparedOperations.HELD,
        first: Iterable[str] = (),
    ) -> None:
        """`first`: the documents prepared before the first request; `held`: how many
        documents typed by hand are kept prepared (0: none, strawberry's pipeline answers
        every one)."""
        super().__init__(
            self.build(production=production),
            graphql_ide=None if production else "graphiql",
            allow_queries_via_get=False,  # a GET that runs a query is a CSRF door
        )
        self.runtime = runtime
        self.public_url = public_url
        self.prepared = prepared.PreparedOperations(
            cast(Schema, self.schema),
            first,
            endpoint=self.name,
            production=production,
            held=held,
        )

    def resolve_document(self, request: dict[str, Any]) -> None:
        """Puts the document a request names into its `query`, or refuses it."""

    async def before(self) -> None:
        """What the endpoint looks at before each request."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            await self.before()
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

    async def prepared_answer(self, request: Request) -> Response | None:
        """The answer to a document POSTed as JSON, from the short path; None for anything
        it did not prepare, which `run` (strawberry's view) then answers."""
        if request.method != "POST" or not request.headers.get("content-type", "").startswith(
            "application/json"
        ):
            return None
        try:
            body = self.parse_json(await request.body())
        except json.JSONDecodeError:
            return None  # `run` refuses it
        if not isinstance(body, dict):
            return None
        prepared = self.prepared.find(body)  # parse_json resolved the document it names
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

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> AnyContext:
        assert isinstance(request, Request)
        return self.context_for(request)

    def context_for(self, request: Request) -> AnyContext:
        return self.context_class(
            request=request,
            runtime=self.runtime,
            lang=negotiate(request.headers.get("accept-language")),
            request_id=observability.request_id.get(),
            public_url=self.public_url,
        )

    def encode_json(self, data: object) -> bytes:
        """orjson: a tenth of the json module's time for an answer like Me's, the same JSON
        (compact, UTF-8 as it is)."""
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        """orjson for every body it parses (a fifth of the json module's time); the json
        module for the ones it refuses, so that each refusal stays what it was."""
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return json.loads(data)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = super().parse_json(data)
        except UnicodeDecodeError:
            raise HTTPException(400, "The body must be UTF-8 JSON") from None
        if not isinstance(parsed, dict | list):  # strawberry would fail on it with a 500
            raise HTTPException(400, "The body must be a JSON object")
        if may_hold_a_lone_surrogate(data):
            try:  # "\ud800" is valid JSON but no text: it would fail deep inside with a 500
                json.dumps(parsed, ensure_ascii=False).encode()
            except UnicodeEncodeError:
                raise HTTPException(400, "The body must be UTF-8 text") from None
        if isinstance(parsed, dict):
            self.resolve_document(parsed)
        return parsed

    async def render_graphql_ide(self, request: Request) -> Response:
        return graphiql.page()


class CustomerEndpoint(Endpoint[Context]):
    """The apps' endpoint: the contract's and the registered app builds' documents, by text
    or by hash, and outside trusted mode any document (and Apollo's automatic persisted
    queries)."""

    name = "customer"
    build = staticmethod(build_schema)
    context_class = Context

    def __init__(
        self,
        runtime: Runtime,
        *,
        production: bool,
        trusted_only: bool = False,
        public_url: str | None = None,
        held: int = prepared.PreparedOperations.HELD,
    ) -> None:
        self.documents = trusted.AppDocuments(trusted_only=trusted_only)
        super().__init__(
            runtime,
            production=production,
            public_url=public_url,
            held=held,
            first=self.documents.trusted.bodies(),
        )

    async def before(self) -> None:
        await self.documents.refresh(self.prepared)

    def resolve_document(self, request: dict[str, Any]) -> None:
        self.documents.resolve(request)


class StaffEndpoint(Endpoint[StaffContext]):
    """The bank's own console: its documents come as text, not the apps' contract."""

    name = "staff"
    build = staticmethod(build_staff_schema)
    context_class = StaffContext
