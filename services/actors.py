"""Who may do what on the support desk. The staff schema refuses first; every service that
acts for a staff user checks again, so that no other path (a CLI, the worker) can skip it."""

from models import StaffRole, StaffUser


class Forbidden(Exception):
    """The actor's role may not do this."""


def require_role(staff: StaffUser, *roles: StaffRole) -> None:
    if staff.role not in roles:
        raise Forbidden(staff.role.value)
