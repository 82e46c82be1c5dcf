"""The two plain-HTTP endpoints beside GraphQL: the bank's callback and export downloads."""

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.errors import DomainError
from services.identity import sessions
from services.money import payouts
from services.records import exports
from services.runtime import Runtime

Endpoint = Callable[[Request], Awaitable[Response]]


def payout_callback(runtime: Runtime, secret: bytes) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        body = await request.body()
        try:
            await payouts.handle_callback(
                runtime, secret, body=body,
                timestamp=request.headers.get("x-wallet-timestamp", ""),
                signature=request.headers.get("x-wallet-signature", ""))
        except payouts.CallbackRefused as refused:
            return JSONResponse({"error": refused.reason}, status_code=refused.status)
        return JSONResponse({"ok": True})

    return endpoint


def export_download(runtime: Runtime) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        caller = await sessions.from_authorization(
            runtime, request.headers.get("authorization", ""))
        if caller is None:
            return JSONResponse({"error": "log in first"}, status_code=401)
        try:
            content, content_type, name = await exports.download(
                runtime, await caller.account(), request.path_params["export_id"])
        except DomainError:
            return JSONResponse({"error": "not found, expired or already downloaded"},
                                status_code=404)
        return Response(content, media_type=content_type, headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "no-store"})

    return endpoint
