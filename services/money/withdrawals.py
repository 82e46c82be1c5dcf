"""Withdrawing the balance to a bound card; a withdrawal is PENDING until the bank answers."""

from enum import StrEnum
from uuid import UUID

from tortoise.transactions import in_transaction

from models import (
    Account,
    AccountStatus,
    BankCard,
    Book,
    EntryStatus,
    MovementKind,
    Withdrawal,
    WithdrawalStatus,
)
from services import locks, validation
from services.errors import DomainError, ErrorCode
from services.money import ledger
from services.records import audit
from services.runtime import Runtime
from services.statemachine import Edge, Machine


async def withdraw(
    rt: Runtime, account: Account, *, card_id: str, fen: int | None, idempotency_key: str
) -> Withdrawal:
    """The whole available balance when `fen` is None. The same key returns the same
    withdrawal, also when the retries arrive at once."""
    key = validation.text(idempotency_key, field="idempotencyKey", max_length=64)
    if fen is not None and fen <= 0:
        raise DomainError(ErrorCode.INVALID_INPUT, field="fen", max_length=0)
    card = await _card(account, card_id)
    now = rt.clock.now()
    async with in_transaction():
        locked = await locks.account(account.id)
        replayed = await Withdrawal.get_or_none(account_id=account.id, idempotency_key=key)
        if replayed:
            return replayed
        if locked.status != AccountStatus.ACTIVE:
            raise DomainError(ErrorCode.ACCOUNT_NOT_ACTIVE)
        available = (await ledger.balance(account.id)).available_fen
        amount = available if fen is None else fen
        if amount <= 0 or amount > available:
            raise DomainError(ErrorCode.INSUFFICIENT_BALANCE, field="fen")
        movement_id = await ledger.move(
            account_id=account.id,
            kind=MovementKind.WITHDRAWAL,
            from_book=Book.WALLET,
            to_book=Book.PAYOUT_CLEARING,
            fen=amount,
            status=EntryStatus.PENDING,
            at=now,
        )
        withdrawal = await Withdrawal.create(
            account_id=account.id,
            card=card,
            movement_id=movement_id,
            amount_fen=amount,
            status=WithdrawalStatus.PENDING,
            idempotency_key=key,
            created_at=now,
        )
        await audit.withdrawal_requested(
            rt, account_id=account.id, withdrawal_id=withdrawal.id, fen=amount, at=now
        )
    rt.wake_worker()
    return withdrawal


class WithdrawalEvent(StrEnum):
    SETTLE = "SETTLE"
    FAIL = "FAIL"


WITHDRAWAL = Machine[WithdrawalStatus, WithdrawalEvent](
    name="withdrawal",
    initial=WithdrawalStatus.PENDING,
    ended=frozenset({WithdrawalStatus.SETTLED, WithdrawalStatus.FAILED}),
    transitions={
        (WithdrawalStatus.PENDING, WithdrawalEvent.SETTLE): Edge(
            WithdrawalStatus.SETTLED, "the bank paid out"
        ),
        (WithdrawalStatus.PENDING, WithdrawalEvent.FAIL): Edge(
            WithdrawalStatus.FAILED, "refused; the money returns"
        ),
    },
)


async def pending(account_id: UUID) -> list[Withdrawal]:
    return await Withdrawal.filter(account_id=account_id, status=WithdrawalStatus.PENDING).order_by(
        "-created_at"
    )


async def _card(account: Account, card_id: str) -> BankCard:
    found_id = validation.uuid(card_id)
    card = (
        await BankCard.get_or_none(id=found_id, account_id=account.id, unbound_at__isnull=True)
        if found_id
        else None
    )
    if card is None:
        raise DomainError(ErrorCode.NOT_FOUND, field="cardId")
    return card


async def end(
    rt: Runtime, withdrawal_id: UUID, *, settled: bool, reason: str | None = None
) -> bool:
    """The bank's answer: SETTLED, or FAILED (the money is back in the balance).
    False when the withdrawal had already ended: each one ends exactly once."""
    withdrawal = await Withdrawal.get_or_none(id=withdrawal_id)
    if withdrawal is None:
        return False
    now = rt.clock.now()
    async with in_transaction():
        await locks.account(withdrawal.account_id)
        if withdrawal.status != WithdrawalStatus.PENDING:
            return False
        try:
            await WITHDRAWAL.move(
                withdrawal,
                WithdrawalEvent.SETTLE if settled else WithdrawalEvent.FAIL,
                ended_at=now,
                failure_reason=None if settled else (reason or "")[:128],
            )
        except DomainError:  # ended meanwhile by another answer
            return False
        if settled:
            await ledger.settle(withdrawal.movement_id, at=now)
        else:
            await ledger.void(withdrawal.movement_id)
        await audit.withdrawal_ended(
            rt,
            account_id=withdrawal.account_id,
            withdrawal_id=withdrawal.id,
            settled=settled,
            fen=withdrawal.amount_fen,
            at=now,
        )
    return True
