"""What every staff resolver needs: the acting staff user, and errors as data."""

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar, cast, get_type_hints

from graphql import GraphQLError
from strawberry.types import Info

from models import StaffSession
from resolvers.common import counted
from resolvers.staff.context import StaffContext
from schema.staff.types import Amount, StaffUserError
from services import currency, validation
from services.actors import Forbidden
from services.errors import DomainError, StaffErrorCode
from services.messages import message

P = ParamSpec("P")
T = TypeVar("T")
StaffInfo = Info[StaffContext, None]


async def acting(info: StaffInfo) -> StaffSession:
    """The caller's session (the permission class has already required one)."""
    session = await info.context.session()
    if session is None:
        raise GraphQLError(
            message("UNAUTHENTICATED", info.context.lang), extensions={"code": "UNAUTHENTICATED"}
        )
    return session


def forbidden(info: StaffInfo) -> GraphQLError:
    return GraphQLError(message("FORBIDDEN", info.context.lang), extensions={"code": "FORBIDDEN"})


def staff_errors(info: StaffInfo, error: DomainError) -> list[StaffUserError]:
    counted(error)
    text = message(error.message_key, info.context.lang, **error.params)
    return [StaffUserError(code=StaffErrorCode(error.code.value), message=text, field=error.field)]


def errors_as_data(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A DomainError becomes the payload's `errors`; a role the service refuses, FORBIDDEN."""
    payload = get_type_hints(resolver)["return"]

    @functools.wraps(resolver)
    async def resolve(*args: P.args, **kwargs: P.kwargs) -> T:
        info = cast(StaffInfo, kwargs["info"])
        try:
            validation.printable(kwargs)
            return await resolver(*args, **kwargs)
        except DomainError as error:
            return cast(T, payload(errors=staff_errors(info, error)))
        except Forbidden:
            raise forbidden(info) from None

    return resolve


def amount(fen: int) -> Amount:
    """Fen as the desk shows them."""
    return Amount(fen=fen, display=currency.display(fen))
