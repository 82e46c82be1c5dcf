"""The plain-HTTP endpoints beside GraphQL: the bank's callback, downloads (exports and
certificates) and the certificates' public keys."""

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from models import ClosureRequest
from services.closure import receipts
from services.errors import DomainError
from services.identity import sessions
from services.money import payouts
from services.records import certificate_pdf, certificates, exports
from services.runtime import Runtime

Endpoint = Callable[[Request], Awaitable[Response]]


def payout_callback(runtime: Runtime, secret: bytes) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        body = await request.body()
        try:
            await payouts.handle_callback(
                runtime,
                secret,
                body=body,
                timestamp=request.headers.get("x-wallet-timestamp", ""),
                signature=request.headers.get("x-wallet-signature", ""),
            )
        except payouts.CallbackRefused as refused:
            return JSONResponse({"error": refused.reason}, status_code=refused.status)
        return JSONResponse({"ok": True})

    return endpoint


async def _receipt(runtime: Runtime, request: Request) -> ClosureRequest | Response | None:
    """The closure request an `Authorization: Receipt <secret>` header follows, a refusal, or
    None when the header is no receipt."""
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "receipt":
        return None
    try:
        return await receipts.open_request(
            runtime, secret.strip(), client=request.client.host if request.client else ""
        )
    except receipts.ReceiptRefused:
        return JSONResponse({"error": "unknown, expired or revoked receipt"}, status_code=401)
    except DomainError:
        return JSONResponse(
            {"error": "too many requests"}, status_code=429, headers={"retry-after": "60"}
        )


def _file(content: str | bytes, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "no-store",
        },
    )


NOT_FOUND = {"error": "not found or expired"}


def export_download(runtime: Runtime) -> Endpoint:
    """By the owner's bearer token, or after confirmation by the closure receipt (for the
    export asked for before confirming)."""

    async def endpoint(request: Request) -> Response:
        export_id = request.path_params["export_id"]
        receipt = await _receipt(runtime, request)
        if isinstance(receipt, Response):
            return receipt
        if receipt is not None:
            export = await receipts.data_export(receipt)
            if export is None or str(export.id) != export_id:
                return JSONResponse(NOT_FOUND, status_code=404)
            account_id = receipt.account_id
        else:
            caller = await sessions.from_authorization(
                runtime, request.headers.get("authorization", "")
            )
            if caller is None:
                return JSONResponse({"error": "log in first"}, status_code=401)
            account_id = caller.account_id
        try:
            return _file(*await exports.download(runtime, account_id, export_id))
        except DomainError:
            return JSONResponse(NOT_FOUND, status_code=404)

    return endpoint


def certificate_download(runtime: Runtime, *, pdf: bool) -> Endpoint:
    """A certificate of the receipt's request: the JWS it is, or the PDF that prints it."""

    async def endpoint(request: Request) -> Response:
        receipt = await _receipt(runtime, request)
        if isinstance(receipt, Response):
            return receipt
        if receipt is None:
            return JSONResponse({"error": "send the closure receipt"}, status_code=401)
        wanted = request.path_params["certificate_id"]
        for certificate in await certificates.of_request(receipt.id):
            if str(certificate.id) != wanted:
                continue
            name = f"closure-certificate-{certificate.kind.value.lower()}"
            if pdf:
                return _file(certificate_pdf.render(certificate), "application/pdf", f"{name}.pdf")
            return _file(certificate.jws, certificates.JWS_MEDIA_TYPE, f"{name}.jws")
        return JSONResponse(NOT_FOUND, status_code=404)

    return endpoint


async def certificate_keys(_: Request) -> Response:
    """The public keys of every certificate ever signed, for offline checks."""
    return JSONResponse(
        await certificates.key_set(), headers={"cache-control": "public, max-age=300"}
    )
