"""The support desk's schema, served at /staff/graphql: every field names the roles that may
call it (staffLogin excepted)."""

import strawberry

from resolvers.staff import desk
from resolvers.staff.permissions import Agents, AnyStaff, AuditReaders, Readers, Supervisors
from schema import limits
from schema.pagination import Connection
from schema.staff import types


def allow(*permissions: type) -> dict:
    return {"permission_classes": list(permissions)}


@strawberry.type
class StaffQuery:
    staff_me: types.StaffMember = strawberry.field(resolver=desk.staff_me, **allow(AnyStaff))
    customer: types.Customer | None = strawberry.field(
        resolver=desk.customer, **allow(Readers),
        description="A customer by phone (13800000001 or +8613800000001); null if none.")
    customer_by_id: types.Customer | None = strawberry.field(
        resolver=desk.customer_by_id, **allow(Readers))
    closure_reviews: Connection[types.ReviewItem] = strawberry.field(
        resolver=desk.closure_reviews, **allow(Agents),
        description="Closures waiting for a supervisor, oldest first.")
    staff_audit_log: Connection[types.StaffAuditEntry] = strawberry.field(
        resolver=desk.staff_audit_log, **allow(AuditReaders), description="Newest first.")


@strawberry.type
class StaffMutation:
    staff_login: types.StaffLoginPayload = strawberry.mutation(resolver=desk.staff_login)
    staff_logout: types.StaffLogoutPayload = strawberry.mutation(
        resolver=desk.staff_logout, **allow(AnyStaff))
    reveal_customer_phone: types.RevealPhonePayload = strawberry.mutation(
        resolver=desk.reveal_customer_phone, **allow(Agents))
    approve_closure: types.ReviewDecisionPayload = strawberry.mutation(
        resolver=desk.approve_closure, **allow(Supervisors))
    reject_closure: types.ReviewDecisionPayload = strawberry.mutation(
        resolver=desk.reject_closure, **allow(Supervisors))
    propose_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=desk.propose_offline_refund, **allow(Agents))
    approve_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=desk.approve_offline_refund, **allow(Supervisors))
    reject_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=desk.reject_offline_refund, **allow(Supervisors))
    set_legal_hold: types.LegalHoldPayload = strawberry.mutation(
        resolver=desk.set_legal_hold, **allow(Supervisors))


def build_staff_schema(*, production: bool = False) -> strawberry.Schema:
    return limits.WalletSchema(query=StaffQuery, mutation=StaffMutation,
                               **limits.hardening(production=production, endpoint="staff"))
