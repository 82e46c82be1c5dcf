"""The support desk's schema, served at /staff/graphql: every field names the permission it
needs (staffLogin excepted); `services.actors.GRANTS` says which roles have it."""

import functools

import strawberry

from resolvers.staff import audit, customers, holds, refunds, reviews, sessions
from resolvers.staff.permissions import allowed
from schema import docs, limits
from schema.pagination import Connection
from schema.staff import docs as staff_docs
from schema.staff import types
from schema.strawberry_private import graphql_schema
from services.actors import Permission as P


@strawberry.type
class StaffQuery:
    staff_me: types.StaffMember = strawberry.field(
        resolver=sessions.staff_me, permission_classes=[allowed(P.OWN_SESSION)]
    )
    customer: types.Customer | None = strawberry.field(
        resolver=customers.customer,
        permission_classes=[allowed(P.READ_CUSTOMERS)],
        description="A customer by phone (13800000001 or +8613800000001); null if none.",
    )
    customer_by_id: types.Customer | None = strawberry.field(
        resolver=customers.customer_by_id, permission_classes=[allowed(P.READ_CUSTOMERS)]
    )
    closure_reviews: Connection[types.ReviewItem] = strawberry.field(
        resolver=reviews.closure_reviews,
        permission_classes=[allowed(P.READ_REVIEWS)],
        description="Closures waiting for a supervisor, oldest first.",
    )
    staff_audit_log: Connection[types.StaffAuditEntry] = strawberry.field(
        resolver=audit.staff_audit_log,
        permission_classes=[allowed(P.READ_STAFF_AUDIT)],
        description="Newest first.",
    )


@strawberry.type
class StaffMutation:
    staff_login: types.StaffLoginPayload = strawberry.mutation(resolver=sessions.staff_login)
    staff_logout: types.StaffLogoutPayload = strawberry.mutation(
        resolver=sessions.staff_logout, permission_classes=[allowed(P.OWN_SESSION)]
    )
    reveal_customer_phone: types.RevealPhonePayload = strawberry.mutation(
        resolver=customers.reveal_customer_phone, permission_classes=[allowed(P.REVEAL_PHONE)]
    )
    approve_closure: types.ReviewDecisionPayload = strawberry.mutation(
        resolver=reviews.approve_closure, permission_classes=[allowed(P.DECIDE_REVIEW)]
    )
    reject_closure: types.ReviewDecisionPayload = strawberry.mutation(
        resolver=reviews.reject_closure, permission_classes=[allowed(P.DECIDE_REVIEW)]
    )
    propose_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=refunds.propose_offline_refund, permission_classes=[allowed(P.PROPOSE_REFUND)]
    )
    approve_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=refunds.approve_offline_refund, permission_classes=[allowed(P.DECIDE_REFUND)]
    )
    reject_offline_refund: types.RefundPayload = strawberry.mutation(
        resolver=refunds.reject_offline_refund, permission_classes=[allowed(P.DECIDE_REFUND)]
    )
    set_legal_hold: types.LegalHoldPayload = strawberry.mutation(
        resolver=holds.set_legal_hold, permission_classes=[allowed(P.SET_LEGAL_HOLD)]
    )


@functools.cache  # one per mode and process: a schema never changes once built
def build_staff_schema(*, production: bool = False) -> strawberry.Schema:
    schema = limits.WalletSchema(
        query=StaffQuery,
        mutation=StaffMutation,
        **limits.hardening(production=production, endpoint="staff"),
    )
    docs.document(graphql_schema(schema), staff_docs.DOCS)
    return schema
