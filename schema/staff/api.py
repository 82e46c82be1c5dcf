"""The support desk's schema, served at /staff/graphql: every field names the roles that may
call it (staffLogin excepted)."""

import strawberry

from resolvers.staff import desk
from resolvers.staff.permissions import Agents, AnyStaff, AuditReaders, Readers, Supervisors
from schema import limits
from schema.pagination import Connection
from schema.staff import types


@strawberry.type
class StaffQuery:
    staff_me: types.StaffMember = strawberry.field(resolver=desk.staff_me,
                                                   permission_classes=[AnyStaff])
    customer: types.Customer | None = strawberry.field(
        resolver=desk.customer, permission_classes=[Readers],
        description="A customer by phone (13800000001 or +8613800000001); null if none.")
    customer_by_id: types.Customer | None = strawberry.field(
        resolver=desk.customer_by_id, permission_classes=[Readers])
    closure_reviews: Connection[types.ReviewItem] = strawberry.field(
        resolver=desk.closure_reviews, permission_classes=[Agents],
        description="Closures waiting for a supervisor, oldest first.")
    staff_audit_log: Connection[types.StaffAuditEntry] = strawberry.field(
        resolver=desk.staff_audit_log, permission_classes=[AuditReaders],
        description="Newest first.")


@strawberry.type
class StaffMutation:
    staff_login: types.StaffLoginPayload = strawberry.mutation(resolver=desk.staff_login)
    staff_logout: types.StaffLogoutPayload = strawberry.mutation(
        resolver=desk.staff_logout, permission_classes=[AnyStaff])
    reveal_customer_phone: types.RevealPhonePayload = strawberry.mutation(
        resolver=desk.reveal_customer_phone, permission_classes=[Agents])
    approve_closure: types.ReviewDecisionPayload = strawberry.mutation(
        resolver=desk.approve_closure, permission_classes=[Supervisors])
    reject_closure: types.ReviewDecisionPayload = strawberry.mutation(
        resolver=desk.reject_closure, permission_classes=[Supervisors])
    propose_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=desk.propose_offline_refund, permission_classes=[Agents])
    approve_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=desk.approve_offline_refund, permission_classes=[Supervisors])
    reject_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=desk.reject_offline_refund, permission_classes=[Supervisors])
    set_legal_hold: types.LegalHoldPayload = strawberry.mutation(
        resolver=desk.set_legal_hold, permission_classes=[Supervisors])


def build_staff_schema(*, production: bool = False) -> strawberry.Schema:
    return limits.WalletSchema(query=StaffQuery, mutation=StaffMutation,
                               **limits.hardening(production=production, endpoint="staff"))
