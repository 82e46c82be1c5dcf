from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.account import Account, BankCard


class Book(StrEnum):
    WALLET = "WALLET"  # the customer's money, one per account
    TOP_UP_CLEARING = "TOP_UP_CLEARING"  # money that came in from outside
    PAYOUT_CLEARING = "PAYOUT_CLEARING"  # money on its way out to a bank card
    OFFLINE_REFUND_CLEARING = "OFFLINE_REFUND_CLEARING"  # paid out by support, off the app


class MovementKind(StrEnum):
    """Why money moved; every movement names one, never free text."""

    TOP_UP = "TOP_UP"  # money in from outside
    PAYMENT = "PAYMENT"  # spent at a merchant
    WITHDRAWAL = "WITHDRAWAL"  # out to the customer's bound bank card
    OFFLINE_REFUND = "OFFLINE_REFUND"  # paid out by support to a named payee
    CORRECTION = "CORRECTION"  # undoes part of an earlier movement, which it names


class EntryStatus(StrEnum):
    PENDING = "PENDING"
    SETTLED = "SETTLED"
    VOIDED = "VOIDED"


# One leg of a movement; the legs of one movement share `movement_id` and sum to zero.
class LedgerEntry(Model):
    id = fields.BigIntField(primary_key=True)
    movement_id = fields.UUIDField()
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name="ledger_entries"
    )
    account_id: UUID
    book = fields.CharEnumField(Book, max_length=24)
    amount_fen = fields.BigIntField()
    kind = fields.CharEnumField(MovementKind, max_length=24)
    # A CORRECTION names the movement it corrects; nothing is ever edited.
    corrects = fields.UUIDField(null=True)
    status = fields.CharEnumField(EntryStatus, max_length=16)
    created_at = fields.DatetimeField()
    settled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ledger_entry"
        # what is pending, and the transactions page newest first
        indexes = (("account_id", "book", "status"), ("account_id", "book", "id"))


class WithdrawalStatus(StrEnum):
    PENDING = "PENDING"
    SETTLED = "SETTLED"
    FAILED = "FAILED"


class Withdrawal(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name="withdrawals"
    )
    account_id: UUID
    card: fields.ForeignKeyRelation["BankCard"] = fields.ForeignKeyField(
        "models.BankCard", related_name="withdrawals"
    )
    card_id: UUID
    movement_id = fields.UUIDField()
    amount_fen = fields.BigIntField()
    status = fields.CharEnumField(WithdrawalStatus, max_length=16)
    idempotency_key = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    # The bank holds it for review: the simulated bank neither settles nor fails it.
    on_hold = fields.BooleanField(default=False)
    submitted_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    failure_reason = fields.CharField(max_length=128, null=True)

    class Meta:
        table = "withdrawal"
        unique_together = (("account_id", "idempotency_key"),)


# Each bank callback is taken once: a replayed event id is refused.
class PayoutCallback(Model):
    event_id = fields.CharField(max_length=64, primary_key=True)
    withdrawal_id = fields.UUIDField()
    received_at = fields.DatetimeField()

    class Meta:
        table = "payout_callback"


# The wallet balance of one account, kept with every leg that changes it (in the same
# transaction), so that reading it does not grow with the history; the ledger stays the
# source of truth and `wallet-closure verify-ledger` compares the two.
class WalletBalance(Model):
    account_id = fields.UUIDField(primary_key=True)
    settled_fen = fields.BigIntField(default=0)
    pending_out_fen = fields.BigIntField(default=0)

    class Meta:
        table = "wallet_balance"
