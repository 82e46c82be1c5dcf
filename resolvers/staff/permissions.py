"""Roles as data on each staff field: a field names the roles that may call it, and a test
fails on any staff field without one (denied unless allowed)."""

from typing import Any

from graphql import GraphQLError
from strawberry.permission import BasePermission
from strawberry.types import Info

from models import StaffRole
from resolvers.staff.context import StaffContext
from services.messages import message


class StaffPermission(BasePermission):
    roles: frozenset[StaffRole] = frozenset()
    error_extensions = {"code": "FORBIDDEN"}  # noqa: RUF012 - strawberry reads it here

    async def has_permission(self, source: Any, info: Info[StaffContext, None],
                             **kwargs: Any) -> bool:
        session = await info.context.session()
        if session is None:  # raised, not returned: the desk goes back to its login
            raise GraphQLError(message("UNAUTHENTICATED", info.context.lang),
                               extensions={"code": "UNAUTHENTICATED"})
        self.message = message("FORBIDDEN", info.context.lang)
        return session.staff.role in self.roles


class AnyStaff(StaffPermission):
    roles = frozenset(StaffRole)


class Agents(StaffPermission):
    """AGENT and SUPERVISOR: look customers up, reveal a phone, propose a refund."""

    roles = frozenset({StaffRole.AGENT, StaffRole.SUPERVISOR})


class Supervisors(StaffPermission):
    roles = frozenset({StaffRole.SUPERVISOR})


class Readers(StaffPermission):
    """Everyone who may read customers (the AUDITOR with masked phones only)."""

    roles = frozenset({StaffRole.AGENT, StaffRole.SUPERVISOR, StaffRole.AUDITOR})


class AuditReaders(StaffPermission):
    roles = frozenset({StaffRole.SUPERVISOR, StaffRole.AUDITOR})
