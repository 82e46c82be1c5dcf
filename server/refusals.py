"""Every refusal of the HTTP layer as a GraphQL JSON answer, with one code from this list
(docs/mobile-guide.md explains each), so that GraphiQL and the apps' JSON parsers can read it."""

from enum import StrEnum

from cross_web import HTTPException
from starlette.responses import JSONResponse
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError


class RefusalCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"  # not a GraphQL request: not JSON, not an object, wrong types
    QUERY_MISSING = "QUERY_MISSING"
    OPERATION_NAME_INVALID = "OPERATION_NAME_INVALID"  # unknown, or several and none named
    BATCH_NOT_ALLOWED = "BATCH_NOT_ALLOWED"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"  # GET (or anything but POST) runs nothing
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"  # form or text bodies (CSRF)
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    NOT_FOUND = "NOT_FOUND"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"  # send the body with the hash
    PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"  # production: trusted only
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"


class Refused(Exception):
    def __init__(self, status: int, code: RefusalCode, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def answer(status: int, code: RefusalCode, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code.value}}]}, status_code=status
    )


def from_http_exception(error: HTTPException) -> JSONResponse:
    """strawberry's plain-text refusals, told apart by the exception behind them."""
    cause, reason = error.__cause__, error.reason
    if isinstance(cause, InvalidOperationTypeError) or error.status_code == 405:
        return answer(405, RefusalCode.METHOD_NOT_ALLOWED, "Send GraphQL requests as a POST.")
    if isinstance(cause, MissingQueryError):
        return answer(400, RefusalCode.QUERY_MISSING, "The request has no `query`.")
    if isinstance(cause, CannotGetOperationTypeError):
        return answer(
            400,
            RefusalCode.OPERATION_NAME_INVALID,
            reason + " Name one of the document's operations in `operationName`.",
        )
    if reason in ("Batching is not enabled", "Too many operations"):
        return answer(400, RefusalCode.BATCH_NOT_ALLOWED, "Send one operation per request.")
    if reason == "Unsupported content type":
        return answer(
            415, RefusalCode.UNSUPPORTED_MEDIA_TYPE, "Send the request as application/json."
        )
    if error.status_code == 404:
        return answer(404, RefusalCode.NOT_FOUND, reason)
    return answer(error.status_code, RefusalCode.BAD_REQUEST, reason)
