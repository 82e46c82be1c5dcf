"""The staff audit log."""

import strawberry

from models import StaffAuditEntry as StaffAuditEntryModel
from models import StaffRole
from resolvers.common import top_level_error
from resolvers.pages import connection
from resolvers.staff.common import StaffInfo, acting, forbidden
from schema.pagination import Connection
from schema.staff.types import (
    StaffAuditEntry,
    StaffName,
)
from services.actors import Forbidden
from services.errors import DomainError
from services.records import staff_audit


async def staff_audit_log(
    info: StaffInfo, first: int | None = 20, after: str | None = None
) -> Connection[StaffAuditEntry]:
    session = await acting(info)
    try:
        page, lines = await staff_audit.page(session.staff, first=first, after=after)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    except Forbidden:
        raise forbidden(info) from None
    by_entry = {line.entry.id: line for line in lines}

    def node(entry: StaffAuditEntryModel) -> StaffAuditEntry:
        line = by_entry[entry.id]
        return StaffAuditEntry(
            at=entry.at,
            action=staff_audit.StaffAuditAction(entry.action),
            reason=line.reason,
            customer_id=strawberry.ID(str(entry.account_id)) if entry.account_id else None,
            staff=StaffName(
                username=line.staff.username, role=StaffRole(line.role) if line.role else None
            )
            if line.staff
            else None,
        )

    return connection(page, node)
