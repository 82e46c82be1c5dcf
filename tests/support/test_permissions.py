"""One table of who may do what (services.actors.GRANTS): every desk service checks it,
whoever calls, and the staff schema's fields are guarded by the same table."""

from collections.abc import Awaitable, Callable

import pytest

from models import StaffRole, StaffUser
from resolvers.staff.permissions import StaffPermission
from schema.staff.api import StaffMutation, StaffQuery
from services.actors import GRANTS, Forbidden, Permission, may
from services.errors import DomainError
from services.money import refunds
from services.records import staff_audit
from services.runtime import Runtime
from services.support import customers, reviews, staff

UNKNOWN = "00000000-0000-4000-8000-000000000000"
Call = Callable[[Runtime, StaffUser], Awaitable[object]]
SERVICES: dict[str, tuple[Permission, Call]] = {
    "customers.by_phone": (
        Permission.READ_CUSTOMERS,
        lambda rt, s: customers.by_phone(rt, s, "13900000009"),
    ),
    "customers.by_id": (Permission.READ_CUSTOMERS, lambda rt, s: customers.by_id(rt, s, UNKNOWN)),
    "customers.reveal_phone": (
        Permission.REVEAL_PHONE,
        lambda rt, s: customers.reveal_phone(rt, s, customer_id=UNKNOWN, reason="caller verified"),
    ),
    "customers.set_legal_hold": (
        Permission.SET_LEGAL_HOLD,
        lambda rt, s: customers.set_legal_hold(
            rt, s, customer_id=UNKNOWN, hold=True, reason="court order"
        ),
    ),
    "refunds.propose": (
        Permission.PROPOSE_REFUND,
        lambda rt, s: refunds.propose(
            rt,
            s,
            customer_id=UNKNOWN,
            payee_name="张三",
            payee_bank="中国银行",
            payee_account="6222020000001234",
            note="",
            idempotency_key="k",
        ),
    ),
    "refunds.approve": (
        Permission.DECIDE_REFUND,
        lambda rt, s: refunds.approve(rt, s, refund_id=UNKNOWN, note=""),
    ),
    "refunds.reject": (
        Permission.DECIDE_REFUND,
        lambda rt, s: refunds.reject(rt, s, refund_id=UNKNOWN, note=""),
    ),
    "reviews.queue": (Permission.READ_REVIEWS, lambda rt, s: reviews.queue(s, first=5, after=None)),
    "reviews.approve": (
        Permission.DECIDE_REVIEW,
        lambda rt, s: reviews.approve(rt, s, request_id=UNKNOWN, note="looks right"),
    ),
    "reviews.reject": (
        Permission.DECIDE_REVIEW,
        lambda rt, s: reviews.reject(rt, s, request_id=UNKNOWN, note="not the owner"),
    ),
    "staff_audit.page": (
        Permission.READ_STAFF_AUDIT,
        lambda rt, s: staff_audit.page(s, first=5, after=None),
    ),
}
CASES = [(name, role) for name in SERVICES for role in StaffRole]


@pytest.mark.parametrize(("name", "role"), CASES, ids=[f"{n}-{r}" for n, r in CASES])
async def test_every_desk_service_checks_the_table(
    runtime: Runtime, name: str, role: StaffRole
) -> None:
    actor = await staff.add(runtime, username="someone", password="Staff-pass-1", role=role)
    permission, call = SERVICES[name]

    try:
        await call(runtime, actor)
        outcome = "allowed"
    except Forbidden:
        outcome = "forbidden"
    except DomainError:  # past the check: the unknown id is not found
        outcome = "allowed"

    assert outcome == ("allowed" if may(role, permission) else "forbidden")


def test_every_permission_is_granted_to_someone_and_every_field_reads_the_table() -> None:
    assert {p for granted in GRANTS.values() for p in granted} == set(Permission)
    fields = [
        *StaffQuery.__strawberry_definition__.fields,
        *StaffMutation.__strawberry_definition__.fields,
    ]
    for field in fields:
        for guard in field.permission_classes:
            assert issubclass(guard, StaffPermission)
            assert guard.roles in {
                frozenset(r for r in StaffRole if p in GRANTS[r]) for p in Permission
            }, field.python_name
