"""The ledger: every movement is legs that sum to zero. Each wallet's balance is kept in a row
updated with the legs that change it, and checked against the ledger's sums."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid4

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.functions import Sum
from tortoise.transactions import in_transaction

from models import Book, EntryStatus, LedgerEntry, MovementKind, WalletBalance
from services import paging
from services.paging import Page
from services.statemachine import Edge, Machine


@dataclass(frozen=True)
class Balance:
    settled_fen: int
    pending_out_fen: int

    @property
    def available_fen(self) -> int:
        """What the app shows: settled money less withdrawals still on their way."""
        return self.settled_fen - self.pending_out_fen


async def balance(account_id: UUID) -> Balance:
    """One row by key, whatever the length of the history (kept by `_book`)."""
    row = await WalletBalance.get_or_none(account_id=account_id)
    if row is None:
        return Balance(settled_fen=0, pending_out_fen=0)
    return Balance(settled_fen=row.settled_fen, pending_out_fen=row.pending_out_fen)


async def summed_balances() -> dict[UUID, Balance]:
    """Every wallet's balance summed from its ledger: the truth the kept rows must equal."""
    settled = dict(
        await LedgerEntry.filter(book=Book.WALLET, status=EntryStatus.SETTLED)
        .group_by("account_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("account_id", "total")
    )
    pending = dict(
        await LedgerEntry.filter(book=Book.WALLET, status=EntryStatus.PENDING, amount_fen__lt=0)
        .group_by("account_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("account_id", "total")
    )
    return {
        UUID(str(account)): Balance(int(settled.get(account) or 0), -int(pending.get(account) or 0))
        for account in {*settled, *pending}
    }


async def kept_balances() -> dict[UUID, Balance]:
    return {
        row.account_id: Balance(row.settled_fen, row.pending_out_fen)
        for row in await WalletBalance.all()
    }


async def _book(account_id: UUID, *, settled: int = 0, pending_out: int = 0) -> None:
    """Adds to the account's kept balance, inside the caller's transaction."""
    changes = {
        "settled_fen": F("settled_fen") + settled,
        "pending_out_fen": F("pending_out_fen") + pending_out,
    }
    if not await WalletBalance.filter(account_id=account_id).update(**changes):
        try:
            async with in_transaction():
                await WalletBalance.create(account_id=account_id)
        except IntegrityError:  # created meanwhile by another movement
            pass
        await WalletBalance.filter(account_id=account_id).update(**changes)


class LegEvent(StrEnum):
    SETTLE = "SETTLE"
    VOID = "VOID"


LEG = Machine[EntryStatus, LegEvent](
    name="ledger leg",
    initial=EntryStatus.PENDING,
    ended=frozenset({EntryStatus.SETTLED, EntryStatus.VOIDED}),
    transitions={
        (EntryStatus.PENDING, LegEvent.SETTLE): Edge(EntryStatus.SETTLED, "the bank paid out"),
        (EntryStatus.PENDING, LegEvent.VOID): Edge(EntryStatus.VOIDED, "nothing moved"),
    },
)


async def settle(movement_id: UUID, *, at: datetime) -> None:
    """A pending movement's legs settle (a withdrawal the bank paid out)."""
    await _end(movement_id, LegEvent.SETTLE, settled_at=at)


async def void(movement_id: UUID) -> None:
    """A pending movement did not happen (a withdrawal the bank refused): nothing moved."""
    await _end(movement_id, LegEvent.VOID, settled_at=None)


async def _end(movement_id: UUID, event: LegEvent, *, settled_at: datetime | None) -> None:
    legs = await LedgerEntry.filter(movement_id=movement_id, status=EntryStatus.PENDING)
    moved = await LEG.move_all(
        LedgerEntry.filter(movement_id=movement_id), event, settled_at=settled_at
    )
    if not moved:  # ended meanwhile: its balance was booked then
        return
    status = LEG.target(EntryStatus.PENDING, event)
    for leg in legs:
        if leg.book == Book.WALLET and leg.amount_fen < 0:
            await _book(
                leg.account_id,
                pending_out=leg.amount_fen,
                settled=leg.amount_fen if status == EntryStatus.SETTLED else 0,
            )


async def wallet_movements(
    account_id: UUID, *, first: int | None, after: str | None
) -> Page[LedgerEntry]:
    """The customer's side (the WALLET leg) of every movement, newest first."""
    return await paging.newest_first(
        LedgerEntry.filter(account_id=account_id, book=Book.WALLET),
        key="id",
        list_name="transactions",
        first=first,
        after=after,
    )


async def move(
    *,
    account_id: UUID,
    kind: MovementKind,
    from_book: Book,
    to_book: Book,
    fen: int,
    status: EntryStatus,
    at: datetime,
    corrects: UUID | None = None,
) -> UUID:
    """Record one movement as two legs; `fen` leaves `from_book` and arrives in `to_book`."""
    if fen <= 0:
        raise ValueError("a movement moves a positive amount")
    movement_id = uuid4()
    settled_at = at if status == EntryStatus.SETTLED else None
    if status == EntryStatus.SETTLED:
        wallet_change = fen if to_book == Book.WALLET else -fen if from_book == Book.WALLET else 0
        if wallet_change:
            await _book(account_id, settled=wallet_change)
    elif from_book == Book.WALLET:
        await _book(account_id, pending_out=fen)
    await LedgerEntry.bulk_create(
        [
            LedgerEntry(
                movement_id=movement_id,
                account_id=account_id,
                book=from_book,
                amount_fen=-fen,
                kind=kind,
                corrects=corrects,
                status=status,
                created_at=at,
                settled_at=settled_at,
            ),
            LedgerEntry(
                movement_id=movement_id,
                account_id=account_id,
                book=to_book,
                amount_fen=fen,
                kind=kind,
                corrects=corrects,
                status=status,
                created_at=at,
                settled_at=settled_at,
            ),
        ]
    )
    return movement_id


async def correct(*, movement_id: UUID, fen: int, at: datetime) -> UUID:
    """Takes back `fen` of a settled movement with a new CORRECTION movement that names it
    (the books in reverse); the corrected movement itself is never edited."""
    legs = await LedgerEntry.filter(movement_id=movement_id, status=EntryStatus.SETTLED)
    if len(legs) != 2:
        raise ValueError("only a settled movement of two legs can be corrected")
    source, target = sorted(legs, key=lambda leg: leg.amount_fen)  # money left source
    if not 0 < fen <= target.amount_fen:
        raise ValueError("a correction takes back a positive part of the movement")
    return await move(
        account_id=source.account_id,
        kind=MovementKind.CORRECTION,
        from_book=target.book,
        to_book=source.book,
        fen=fen,
        status=EntryStatus.SETTLED,
        at=at,
        corrects=movement_id,
    )
