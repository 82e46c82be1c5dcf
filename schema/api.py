"""The assembled schema: every query and mutation the apps may send."""

import functools

import strawberry

from resolvers import account, auth, closure, money, records
from schema import docs, limits, types
from schema.pagination import Connection
from schema.strawberry_private import graphql_schema


@strawberry.type
class Query:
    me: types.Account = strawberry.field(resolver=account.me)
    my_audit_log: list[types.AuditLogEntry] = strawberry.field(
        resolver=account.my_audit_log,
        description="The caller's security log, newest first.",
        deprecation_reason="Use `securityLog`, which pages past the first 100 entries.",
    )
    security_log: Connection[types.AuditLogEntry] = strawberry.field(
        resolver=account.security_log,
        description="The caller's security log, newest first; errors INVALID_INPUT (field "
        "`first` or `after`).",
    )
    transactions: Connection[types.Transaction] = strawberry.field(
        resolver=account.transactions,
        description="The caller's wallet movements (top-ups, payments, withdrawals, refunds), "
        "newest first; errors INVALID_INPUT (field `first` or `after`).",
    )
    data_export: types.DataExport | None = strawberry.field(
        resolver=records.data_export, description="Null for an unknown or another's id."
    )
    closure_eligibility: types.ClosureEligibility = strawberry.field(
        resolver=closure.closure_eligibility
    )
    closure_request: types.ClosureRequest | None = strawberry.field(
        resolver=closure.closure_request, description="Null for an unknown or another's id."
    )
    closure_status: types.ClosureStatus = strawberry.field(resolver=records.closure_status)
    verify_closure_certificate: types.CertificateVerification = strawberry.field(
        resolver=records.verify_closure_certificate
    )


@strawberry.type
class Mutation:
    create_captcha: types.CaptchaPayload = strawberry.mutation(resolver=auth.create_captcha)
    send_login_code: types.SendCodePayload = strawberry.mutation(resolver=auth.send_login_code)
    login_with_code: types.LoginPayload = strawberry.mutation(resolver=auth.login_with_code)
    login_with_password: types.LoginPayload = strawberry.mutation(resolver=auth.login_with_password)
    logout: types.LogoutPayload = strawberry.mutation(resolver=auth.logout)
    logout_all_devices: types.LogoutAllDevicesPayload = strawberry.mutation(
        resolver=auth.logout_all_devices
    )
    withdraw_balance: types.WithdrawBalancePayload = strawberry.mutation(
        resolver=money.withdraw_balance
    )
    request_data_export: types.RequestDataExportPayload = strawberry.mutation(
        resolver=records.request_data_export
    )
    start_closure: types.StartClosurePayload = strawberry.mutation(resolver=closure.start_closure)
    send_closure_code: types.SendClosureCodePayload = strawberry.mutation(
        resolver=closure.send_closure_code
    )
    verify_closure_identity: types.VerifyClosureIdentityPayload = strawberry.mutation(
        resolver=closure.verify_closure_identity
    )
    confirm_closure: types.ClosureRequestPayload = strawberry.mutation(
        resolver=closure.confirm_closure
    )
    cancel_closure: types.ClosureRequestPayload = strawberry.mutation(
        resolver=closure.cancel_closure
    )
    send_restore_code: types.SendCodePayload = strawberry.mutation(resolver=auth.send_restore_code)
    restore_account: types.LoginPayload = strawberry.mutation(resolver=auth.restore_account)


@functools.cache  # one per mode and process: a schema never changes once built
def build_schema(*, production: bool = False) -> strawberry.Schema:
    schema = limits.WalletSchema(
        query=Query, mutation=Mutation, **limits.hardening(production=production)
    )
    docs.document(graphql_schema(schema))
    return schema
