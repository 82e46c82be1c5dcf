"""The rows we lock, and the one order in which every transaction takes them."""

from uuid import UUID

from models import Account


async def account(account_id: UUID) -> Account:
    """The account row, locked until the transaction ends (SQLite has one writer anyway).

    Whatever reads the balance or changes money or the account's state takes it, first:
    confirming, completing or restoring a closure, withdrawing, a payout settling or
    failing, a refund. Locks are always taken in one order — account, closure request,
    audit chain — so that two transactions never wait for each other.
    """
    return await Account.select_for_update().get(id=account_id)


async def account_unless_busy(account_id: UUID) -> Account | None:
    """`account`, or None at once when another transaction holds the row: workers that share
    a queue pass over each other's accounts instead of waiting for them."""
    return await Account.select_for_update(skip_locked=True).get_or_none(id=account_id)
