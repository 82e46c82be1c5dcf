import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from resolvers.common import require_session, top_level_error
from resolvers.context import Context
from resolvers.money import money_of, withdrawal_of
from resolvers.pages import connection
from schema.pagination import Connection
from schema.types import (
    Account,
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
    session = await require_session(info)
    view = await accounts.overview(info.context.runtime, session.account)
    account_id = view.account.id

    async def pending_withdrawals() -> list[Withdrawal]:
        return [withdrawal_of(w) for w in await withdrawals.pending(account_id)]

    return Account(
        id=strawberry.ID(str(account_id)),
        phone_masked=phones.mask(view.account.phone),
        status=view.account.status,
        balance=money_of(view.balance.available_fen),
        settled_balance=money_of(view.balance.settled_fen),
        bank_cards=[BankCard(id=strawberry.ID(str(c.id)), bank_name=c.bank_name, last4=c.last4)
                    for c in view.cards],
        sessions=[DeviceSession(id=strawberry.ID(str(s.id)), device_name=s.device_name,
                                current=s.id == session.id, last_seen_at=s.last_seen_at)
                  for s in view.sessions],
        load_pending_withdrawals=pending_withdrawals,
    )


async def my_audit_log(info: Ctx, first: int = 20) -> list[AuditLogEntry]:
    session = await require_session(info)
    if not 1 <= first <= MAX_AUDIT_PAGE:
        raise GraphQLError(f"first must be between 1 and {MAX_AUDIT_PAGE}",
                           extensions={"code": "BAD_USER_INPUT"})
    entries = await audit.recent(session.account_id, first)
    lang = info.context.lang
    return [AuditLogEntry(at=e.at, action=audit.AuditAction(e.action),
                          detail=audit.describe(e, lang)) for e in entries]



async def security_log(info: Ctx, first: int | None = 20,
                       after: str | None = None) -> Connection[AuditLogEntry]:
    session = await require_session(info)
    lang = info.context.lang
    try:
        page = await audit.page(session.account_id, first=first, after=after)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    return connection(page, lambda e: AuditLogEntry(
        at=e.at, action=audit.AuditAction(e.action), detail=audit.describe(e, lang)))


async def transactions(info: Ctx, first: int | None = 20,
                       after: str | None = None) -> Connection[Transaction]:
    session = await require_session(info)
    lang = info.context.lang
    try:
        page = await ledger.wallet_movements(session.account_id, first=first, after=after)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    return connection(page, lambda e: Transaction(
        id=strawberry.ID(str(e.movement_id)), kind=e.kind, status=e.status,
        amount=money_of(e.amount_fen), description=message(f"MOVEMENT_{e.kind}", lang),
        created_at=e.created_at))
