import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from resolvers.common import require_caller, top_level_error
from resolvers.context import Context
from resolvers.money import money_of, withdrawal_of
from resolvers.pages import connection
from schema.pagination import Connection
from schema.types import (
    Account,
    AccountStatus,
    AuditLogEntry,
    BankCard,
    DeviceSession,
    Transaction,
    Withdrawal,
)
from services.errors import DomainError
from services.identity import accounts, phones
from services.messages import message
from services.money import ledger, withdrawals
from services.records import audit

Ctx = Info[Context, None]
MAX_AUDIT_PAGE = 100


async def me(info: Ctx) -> Account:
    view = await accounts.overview(info.context.runtime, await require_caller(info))
    caller = view.caller

    async def pending_withdrawals() -> list[Withdrawal]:
        return [withdrawal_of(w) for w in await withdrawals.pending(caller.account_id)]

    return Account(
        id=strawberry.ID(str(caller.account_id)),
        phone_masked=phones.mask(caller.phone),
        status=AccountStatus.ACTIVE,  # a session opens only an active account
        balance=money_of(caller.balance.available_fen),
        settled_balance=money_of(caller.balance.settled_fen),
        bank_cards=[
            BankCard(id=strawberry.ID(str(c.id)), bank_name=c.bank_name, last4=c.last4)
            for c in view.cards
        ],
        sessions=[
            DeviceSession(
                id=strawberry.ID(str(d.session_id)),
                device_name=d.name,
                current=d.session_id == caller.session_id,
                last_seen_at=d.last_seen_at,
            )
            for d in view.devices
        ],
        load_pending_withdrawals=pending_withdrawals,
    )


async def my_audit_log(info: Ctx, first: int = 20) -> list[AuditLogEntry]:
    caller = await require_caller(info)
    if not 1 <= first <= MAX_AUDIT_PAGE:
        raise GraphQLError(
            f"first must be between 1 and {MAX_AUDIT_PAGE}", extensions={"code": "BAD_USER_INPUT"}
        )
    entries = [
        line for _, line in (await audit.page(caller.account_id, first=first, after=None)).edges
    ]
    lang = info.context.lang
    return [
        AuditLogEntry(
            at=e.at,
            action=audit.AuditAction(e.action),
            detail=audit.describe(e.action, e.data, lang),
        )
        for e in entries
    ]


async def security_log(
    info: Ctx, first: int | None = 20, after: str | None = None
) -> Connection[AuditLogEntry]:
    caller = await require_caller(info)
    lang = info.context.lang
    try:
        page = await audit.page(caller.account_id, first=first, after=after)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    return connection(
        page,
        lambda e: AuditLogEntry(
            at=e.at,
            action=audit.AuditAction(e.action),
            detail=audit.describe(e.action, e.data, lang),
        ),
    )


async def transactions(
    info: Ctx, first: int | None = 20, after: str | None = None
) -> Connection[Transaction]:
    caller = await require_caller(info)
    lang = info.context.lang
    try:
        page = await ledger.wallet_movements(caller.account_id, first=first, after=after)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    return connection(
        page,
        lambda e: Transaction(
            id=strawberry.ID(str(e.movement_id)),
            kind=e.kind,
            status=e.status,
            amount=money_of(e.amount_fen),
            description=message(f"MOVEMENT_{e.kind}", lang),
            created_at=e.created_at,
        ),
    )
