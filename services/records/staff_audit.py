"""The staff audit log: every staff action that reveals or changes anything, one function per
event, the actor (id and role) and the reason inside the hashed body."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from models import StaffAuditEntry, StaffUser
from services import paging
from services.actors import Permission, require
from services.paging import Page
from services.records.audit import append
from services.runtime import Runtime


class StaffAuditAction(StrEnum):
    STAFF_ADDED = "STAFF_ADDED"
    STAFF_DISABLED = "STAFF_DISABLED"
    STAFF_LOGGED_IN = "STAFF_LOGGED_IN"
    STAFF_LOGGED_OUT = "STAFF_LOGGED_OUT"
    PHONE_REVEALED = "PHONE_REVEALED"
    PAYEE_ACCOUNT_SHOWN = "PAYEE_ACCOUNT_SHOWN"
    CLOSURE_APPROVED = "CLOSURE_APPROVED"
    CLOSURE_REJECTED = "CLOSURE_REJECTED"
    REFUND_PROPOSED = "REFUND_PROPOSED"
    REFUND_APPROVED = "REFUND_APPROVED"
    REFUND_REJECTED = "REFUND_REJECTED"
    LEGAL_HOLD_SET = "LEGAL_HOLD_SET"
    LEGAL_HOLD_RELEASED = "LEGAL_HOLD_RELEASED"


async def record(
    rt: Runtime,
    action: StaffAuditAction,
    *,
    staff: StaffUser | None,
    at: datetime,
    account_id: UUID | None = None,
    reason: str = "",
    **data: Any,
) -> StaffAuditEntry:
    """`staff` None: the command line did it (staff add / disable)."""
    body = {
        "staff": str(staff.id) if staff else None,
        "role": staff.role.value if staff else None,
        "reason": reason,
        **data,
    }
    return await append(rt, StaffAuditEntry, action, account_id=account_id, at=at, data=body)


@dataclass(frozen=True)
class StaffAuditLine:
    entry: StaffAuditEntry
    staff: StaffUser | None

    @property
    def reason(self) -> str:
        return str(self.entry.data.get("reason") or "")

    @property
    def role(self) -> str | None:
        """The role the actor had when acting."""
        return self.entry.data.get("role")


async def page(
    staff: StaffUser,
    *,
    first: int | None,
    after: str | None,
) -> tuple[Page[StaffAuditEntry], list[StaffAuditLine]]:
    require(staff, Permission.READ_STAFF_AUDIT)
    found = await paging.newest_first(
        StaffAuditEntry.all(), key="seq", list_name="staff-audit", first=first, after=after
    )
    ids = {e.data.get("staff") for _, e in found.edges} - {None}
    actors = {str(s.id): s for s in await StaffUser.filter(id__in=list(ids))}
    return found, [StaffAuditLine(e, actors.get(str(e.data.get("staff")))) for _, e in found.edges]
