"""The ledger: every movement is legs that sum to zero; a balance is derived, never stored."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from tortoise.expressions import Q
from tortoise.functions import Sum

from models import Book, EntryStatus, LedgerEntry, MovementKind
from services import paging
from services.paging import Page


@dataclass(frozen=True)
class Balance:
    settled_fen: int
    pending_out_fen: int

    @property
    def available_fen(self) -> int:
        """What the app shows: settled money less withdrawals still on their way."""
        return self.settled_fen - self.pending_out_fen


async def balance(account_id: UUID) -> Balance:
    # One grouped query: settled money, and the pending legs leaving the wallet.
    totals = dict(await LedgerEntry.filter(
        Q(status=EntryStatus.SETTLED) | Q(status=EntryStatus.PENDING, amount_fen__lt=0),
        account_id=account_id, book=Book.WALLET,
    ).group_by("status").annotate(total=Sum("amount_fen")).values_list("status", "total"))
    return Balance(settled_fen=int(totals.get(EntryStatus.SETTLED) or 0),
                   pending_out_fen=-int(totals.get(EntryStatus.PENDING) or 0))


async def wallet_movements(account_id: UUID, *, first: int | None,
                           after: str | None) -> Page[LedgerEntry]:
    """The customer's side (the WALLET leg) of every movement, newest first."""
    return await paging.newest_first(
        LedgerEntry.filter(account_id=account_id, book=Book.WALLET), key="id",
        list_name="transactions", first=first, after=after)


async def move(*, account_id: UUID, kind: MovementKind, from_book: Book, to_book: Book, fen: int,
               status: EntryStatus, at: datetime, corrects: UUID | None = None) -> UUID:
    """Record one movement as two legs; `fen` leaves `from_book` and arrives in `to_book`."""
    if fen <= 0:
        raise ValueError("a movement moves a positive amount")
    movement_id = uuid4()
    settled_at = at if status == EntryStatus.SETTLED else None
    await LedgerEntry.bulk_create([
        LedgerEntry(movement_id=movement_id, account_id=account_id, book=from_book,
                    amount_fen=-fen, kind=kind, corrects=corrects, status=status, created_at=at,
                    settled_at=settled_at),
        LedgerEntry(movement_id=movement_id, account_id=account_id, book=to_book,
                    amount_fen=fen, kind=kind, corrects=corrects, status=status, created_at=at,
                    settled_at=settled_at),
    ])
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
    return await move(account_id=source.account_id, kind=MovementKind.CORRECTION,
                      from_book=target.book, to_book=source.book, fen=fen,
                      status=EntryStatus.SETTLED, at=at, corrects=movement_id)
