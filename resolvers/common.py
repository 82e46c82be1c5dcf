"""What every resolver needs: the context, the login, and errors as data."""

import dataclasses
import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar, cast, get_type_hints

from graphql import GraphQLError
from strawberry.types import Info

from models import Account
from resolvers.context import Context
from schema.types import UserError
from services import metrics, validation
from services.errors import DomainError, ErrorCode
from services.identity.sessions import Caller
from services.messages import message

P = ParamSpec("P")
T = TypeVar("T")


LIMITS = {ErrorCode.RATE_LIMITED, ErrorCode.ACCOUNT_LOCKED}


def counted(error: DomainError) -> DomainError:
    if error.code in LIMITS:
        metrics.limit_refusals.labels(error.code.value).inc()
    return error


def user_errors(info: Info[Context, None], error: DomainError) -> list[UserError]:
    counted(error)
    text = message(error.message_key, info.context.lang, **error.params)
    return [UserError(code=ErrorCode(error.code.value), message=text, field=error.field)]


def top_level_error(lang: str, error: DomainError) -> GraphQLError:
    """For fields with no payload to carry `errors`: the same code, at the top level."""
    counted(error)
    extensions = {"code": error.code.value, **error.params}
    if error.field:
        extensions["field"] = error.field
    return GraphQLError(message(error.message_key, lang, **error.params), extensions=extensions)


async def require_caller(info: Info[Context, None]) -> Caller:
    """The caller's session, or the error on which the apps go back to login."""
    caller = await info.context.caller()
    if caller is None:
        raise unauthenticated(info.context.lang)
    return caller


def unauthenticated(lang: str, message_key: str = "UNAUTHENTICATED") -> GraphQLError:
    """The error on which the apps go back to login (or drop a receipt)."""
    return GraphQLError(message(message_key, lang), extensions={"code": "UNAUTHENTICATED"})


async def require_account(info: Info[Context, None]) -> Account:
    """The caller's account as a model, for the mutations that change it."""
    return await (await require_caller(info)).account()


def errors_as_data(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A DomainError becomes the payload's `errors`; its other fields keep their defaults
    (and a RATE_LIMITED answer says in `resendAfterSeconds` how long to wait)."""
    payload = get_type_hints(resolver)["return"]

    @functools.wraps(resolver)
    async def resolve(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            validation.printable(kwargs)
            return await resolver(*args, **kwargs)
        except DomainError as error:
            info = cast(Info[Context, None], kwargs["info"])
            extra = {}
            if error.code == ErrorCode.RATE_LIMITED and "resend_after_seconds" in {
                f.name for f in dataclasses.fields(payload)
            }:
                extra["resend_after_seconds"] = error.params.get("seconds", 0)
            return cast(T, payload(errors=user_errors(info, error), **extra))

    return resolve
