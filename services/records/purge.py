"""Erasing personal data after the recovery window, and financial records after retention."""

from uuid import UUID

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from models import (
    Account,
    AccountStatus,
    BankCard,
    Challenge,
    DataExport,
    LedgerEntry,
    OfflineRefund,
    OutboxMessage,
    Session,
    WalletBalance,
    Withdrawal,
)
from services.accounts import ACCOUNT, AccountEvent
from services.database import default_client, scrub_freed_space
from services.records import audit, certificates
from services.runtime import Runtime

PERSONAL_DATA_TABLES = [
    m._meta.db_table
    for m in (Account, BankCard, Session, OutboxMessage, Challenge, DataExport, OfflineRefund)
]


async def purge_accounts(rt: Runtime, account_ids: list[UUID]) -> int:
    purged = [account_id for account_id in account_ids if await purge(rt, account_id)]
    if purged:
        await scrub_freed_space(default_client(), PERSONAL_DATA_TABLES)
    return len(purged)


async def rewrite_personal_data_tables() -> None:
    """What `wallet-closure scrub` runs in a maintenance window on PostgreSQL: afterwards no
    purged value is left in the table files (SQLite needs no such step)."""
    await scrub_freed_space(default_client(), PERSONAL_DATA_TABLES, rewrite=True)


async def purge(rt: Runtime, account_id: UUID) -> bool:
    """CLOSED -> PURGED: phone, name, password hash, card numbers and device names erased.

    Ledger entries and withdrawals stay, pointing at the account by id only (pseudonymised);
    the audit log never held personal data. Returns False if the account was not CLOSED.
    """
    now = rt.clock.now()
    async with in_transaction():
        erased = await ACCOUNT.move_all(
            Account.filter(id=account_id, legal_hold=False),
            AccountEvent.PURGE,
            purged_at=now,
            phone=None,
            display_name="",
            password_hash=None,
        )
        if not erased:
            return False
        await BankCard.filter(account_id=account_id).update(last4="", bank_name="")
        await Session.filter(account_id=account_id).update(device_name="")
        await OfflineRefund.filter(account_id=account_id).update(payee_name="", payee_account="")
        # Only accounts with no SMS still on its way are purged (closure.jobs.purge_due).
        await OutboxMessage.filter(account_id=account_id).update(to_phone=None, code=None)
        await Challenge.filter(account_id=account_id).delete()
        await DataExport.filter(account_id=account_id).delete()
        await audit.account_purged(rt, account_id=account_id, at=now)
        await certificates.issue_erasure(rt, account_id, purged_at=now)
    return True


async def expire_financial_records(rt: Runtime) -> int:
    """Ledger and withdrawals of accounts purged longer ago than the retention period and
    not under a legal hold; two statements, whatever the number of accounts."""
    expired = Account.filter(
        status=AccountStatus.PURGED,
        legal_hold=False,
        purged_at__lte=rt.clock.now() - rt.rules.retention,
    ).values("id")
    async with in_transaction():
        deleted = await Withdrawal.filter(account_id__in=Subquery(expired)).delete()
        deleted += await OfflineRefund.filter(account_id__in=Subquery(expired)).delete()
        await WalletBalance.filter(account_id__in=Subquery(expired)).delete()
        return deleted + await LedgerEntry.filter(account_id__in=Subquery(expired)).delete()
