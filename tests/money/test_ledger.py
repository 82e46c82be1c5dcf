"""The ledger's invariant over every kind of movement: each movement's legs sum to zero, and a
correction is a new movement naming the one it corrects, never an edit."""

from datetime import timedelta

from tortoise.functions import Sum

from models import Book, EntryStatus, LedgerEntry, MovementKind, StaffRole
from services.clock import FakeClock
from services.money import ledger, refunds, withdrawals
from services.runtime import Runtime
from services.support import staff
from tests import factories

PHONE = "+8613900000001"


async def test_every_movement_of_every_kind_sums_to_zero(
    runtime: Runtime, clock: FakeClock
) -> None:
    # given a wallet that saw every kind of movement
    account = await factories.account(runtime, fen=20_000, card_last4="6789")
    card = await account.cards.all().first()
    assert card is not None
    await factories.top_up_and_spend(runtime, PHONE, 3_000)
    payment = await LedgerEntry.get(kind=MovementKind.PAYMENT, book=Book.WALLET)
    settled = await withdrawals.withdraw(
        runtime, account, card_id=str(card.id), fen=4_000, idempotency_key="w1"
    )
    await withdrawals.end(runtime, settled.id, settled=True)
    failed = await withdrawals.withdraw(
        runtime, account, card_id=str(card.id), fen=1_000, idempotency_key="w2"
    )
    await withdrawals.end(runtime, failed.id, settled=False, reason="closed card")
    clock.advance(timedelta(minutes=1))
    correction = await ledger.correct(movement_id=payment.movement_id, fen=500, at=clock.now())
    maker = await staff.add(
        runtime, username="maker", password="Maker-pass-1", role=StaffRole.AGENT
    )
    checker = await staff.add(
        runtime, username="checker", password="Check-pass-1", role=StaffRole.SUPERVISOR
    )
    refund = await refunds.propose(
        runtime,
        maker,
        customer_id=str(account.id),
        payee_name="张三",
        payee_bank="中国银行",
        payee_account="6222020000001234",
        note="",
        idempotency_key="r",
    )
    await refunds.approve(runtime, checker, refund_id=str(refund.id), note="")

    # then
    sums = await (
        LedgerEntry.annotate(total=Sum("amount_fen"))
        .group_by("movement_id")
        .values_list("movement_id", "total")
    )
    assert sums and {int(total) for _, total in sums} == {0}
    kinds = set(await LedgerEntry.all().values_list("kind", flat=True))
    assert kinds == set(MovementKind)
    legs = await LedgerEntry.filter(movement_id=correction).order_by("amount_fen")
    assert [(leg.book, leg.amount_fen, leg.corrects) for leg in legs] == [
        (Book.PAYOUT_CLEARING, -500, payment.movement_id),
        (Book.WALLET, 500, payment.movement_id),
    ]
    assert (await LedgerEntry.get(id=payment.id)).amount_fen == -3_000  # never edited
    balance = await ledger.balance(account.id)
    # 20,000 + 3,000 - 3,000 - 4,000 (settled) + 500 (corrected) - 16,500 (refunded)
    assert (balance.settled_fen, balance.pending_out_fen) == (0, 0)
    assert await LedgerEntry.filter(status=EntryStatus.VOIDED).count() == 2


async def test_the_kept_balances_equal_the_ledger_after_every_kind(
    runtime: Runtime, clock: FakeClock
) -> None:
    await test_every_movement_of_every_kind_sums_to_zero(runtime, clock)
    other = await factories.account(runtime, "13900000002", fen=7_000, card_last4="1111")
    card = await other.cards.all().first()
    assert card is not None
    await withdrawals.withdraw(
        runtime, other, card_id=str(card.id), fen=2_500, idempotency_key="pending"
    )

    kept, summed = await ledger.kept_balances(), await ledger.summed_balances()

    assert kept == summed
    assert kept[other.id] == ledger.Balance(settled_fen=7_000, pending_out_fen=2_500)
