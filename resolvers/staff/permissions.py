"""Roles as data on each staff field: a field names the permission it needs, the roles come
from the one table in `services.actors`, and a test fails on any staff field without one
(denied unless allowed)."""

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission
from strawberry.types import Info

from models import StaffRole
from resolvers.staff.context import StaffContext
from services.actors import Permission, roles_with
from services.messages import message


class StaffPermission(BasePermission):
    roles: frozenset[StaffRole] = frozenset()
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 - strawberry reads it here

    async def has_permission(
        self, source: Any, info: Info[StaffContext, None], **kwargs: Any
    ) -> bool:
        session = await info.context.session()
        if session is None:  # raised, not returned: the desk goes back to its login
            raise GraphQLError(
                message("UNAUTHENTICATED", info.context.lang),
                extensions={"code": "UNAUTHENTICATED"},
            )
        self.message = message("FORBIDDEN", info.context.lang)
        return session.staff.role in self.roles


def allowed(permission: Permission) -> type[StaffPermission]:
    """The permission class of a staff field: the roles that `services.actors.GRANTS` gives
    `permission`, the same table the services check again."""
    return _classes.setdefault(
        permission,
        type(
            f"Needs{permission.value.title().replace('_', '')}",
            (StaffPermission,),
            {"roles": roles_with(permission)},
        ),
    )


_classes: dict[Permission, type[StaffPermission]] = {}
