"""Who may do what on the support desk: one table, read by the staff schema's permission
classes (which refuse first) and by every service that acts for a staff user (which checks
again, so that no other path — a CLI, the worker — can skip it)."""

from enum import StrEnum

from models import StaffRole, StaffUser


class Permission(StrEnum):
    OWN_SESSION = "OWN_SESSION"  # see and end one's own session
    READ_CUSTOMERS = "READ_CUSTOMERS"  # phones masked
    REVEAL_PHONE = "REVEAL_PHONE"  # with a reason, audited
    READ_PENDING_PAYEE = "READ_PENDING_PAYEE"  # a pending refund's payee account, audited
    PROPOSE_REFUND = "PROPOSE_REFUND"
    DECIDE_REFUND = "DECIDE_REFUND"  # never one's own proposal
    READ_REVIEWS = "READ_REVIEWS"
    DECIDE_REVIEW = "DECIDE_REVIEW"
    SET_LEGAL_HOLD = "SET_LEGAL_HOLD"
    READ_STAFF_AUDIT = "READ_STAFF_AUDIT"


P = Permission
GRANTS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.AGENT: frozenset(
        {
            P.OWN_SESSION,
            P.READ_CUSTOMERS,
            P.REVEAL_PHONE,
            P.READ_PENDING_PAYEE,
            P.PROPOSE_REFUND,
            P.READ_REVIEWS,
        }
    ),
    StaffRole.SUPERVISOR: frozenset(
        {
            P.OWN_SESSION,
            P.READ_CUSTOMERS,
            P.REVEAL_PHONE,
            P.READ_PENDING_PAYEE,
            P.PROPOSE_REFUND,
            P.DECIDE_REFUND,
            P.READ_REVIEWS,
            P.DECIDE_REVIEW,
            P.SET_LEGAL_HOLD,
            P.READ_STAFF_AUDIT,
        }
    ),
    StaffRole.AUDITOR: frozenset({P.OWN_SESSION, P.READ_CUSTOMERS, P.READ_STAFF_AUDIT}),
}


class Forbidden(Exception):
    """The actor's role may not do this."""


def may(role: StaffRole, permission: Permission) -> bool:
    return permission in GRANTS[role]


def roles_with(permission: Permission) -> frozenset[StaffRole]:
    return frozenset(role for role, granted in GRANTS.items() if permission in granted)


def require(staff: StaffUser, permission: Permission) -> None:
    if not may(staff.role, permission):
        raise Forbidden(staff.role.value)
