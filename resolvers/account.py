import strawberry
from graphql import GraphQLError
from strawberry.types import Info

from resolvers.common import require_session
from resolvers.context import Context
from resolvers.money import money_of
from schema.types import Account, AuditLogEntry, BankCard, DeviceSession
from services import accounts, audit, phones

Ctx = Info[Context, None]
MAX_AUDIT_PAGE = 100


async def me(info: Ctx) -> Account:
    session = await require_session(info)
    view = await accounts.overview(info.context.runtime, session.account)
    return Account(
        id=strawberry.ID(str(view.account.id)),
        phone_masked=phones.mask(view.account.phone),
        status=view.account.status,
        balance=money_of(view.balance.available_fen),
        bank_cards=[BankCard(id=strawberry.ID(str(c.id)), bank_name=c.bank_name, last4=c.last4)
                    for c in view.cards],
        sessions=[DeviceSession(id=strawberry.ID(str(s.id)), device_name=s.device_name,
                                current=s.id == session.id, last_seen_at=s.last_seen_at)
                  for s in view.sessions],
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
