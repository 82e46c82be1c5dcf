"""Accounts as the customer sees them, and opening one."""

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import Account, BankCard, Session
from services.crypto import hash_password
from services.identity import phones, sessions
from services.money import ledger
from services.money.ledger import Balance
from services.records import audit
from services.runtime import Runtime


@dataclass(frozen=True)
class Overview:
    account: Account
    balance: Balance
    cards: list[BankCard]
    sessions: list[Session]


async def overview(rt: Runtime, account: Account) -> Overview:
    return Overview(
        account=account,
        balance=await ledger.balance(account.id),
        cards=await BankCard.filter(account_id=account.id, unbound_at__isnull=True)
        .order_by("bound_at"),
        sessions=await sessions.live_sessions(rt, account.id),
    )


async def open_account(rt: Runtime, *, phone: str, password: str, display_name: str) -> Account:
    now = rt.clock.now()
    password_hash = await hash_password(password)
    async with in_transaction():
        account = await Account.create(phone=phones.normalize(phone), password_hash=password_hash,
                                       display_name=display_name, created_at=now)
        await audit.account_created(rt, account_id=account.id, at=now)
    return account
