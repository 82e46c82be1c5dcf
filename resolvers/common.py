"""What every resolver needs: the context, the login, and errors as data."""

from graphql import GraphQLError
from strawberry.types import Info

from models import Session
from resolvers.context import Context
from schema.types import UserError
from services.errors import DomainError, ErrorCode
from services.messages import message


def user_errors(info: Info[Context, None], error: DomainError) -> list[UserError]:
    text = message(error.code.value, info.context.lang, **error.params)
    return [UserError(code=error.code, message=text, field=error.field)]


async def require_session(info: Info[Context, None]) -> Session:
    """The caller's session, or the error on which the apps go back to login."""
    session = await info.context.session()
    if session is None:
        raise GraphQLError(message("UNAUTHENTICATED", info.context.lang),
                           extensions={"code": "UNAUTHENTICATED"})
    return session


def wait_of(error: DomainError) -> int:
    """The seconds a RATE_LIMITED answer asks the app to wait before it asks again."""
    return error.params.get("seconds", 0) if error.code == ErrorCode.RATE_LIMITED else 0
