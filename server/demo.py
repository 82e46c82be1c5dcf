"""The three demo accounts of spec §8, so that GraphiQL is usable at once."""

from datetime import timedelta
from uuid import uuid4

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models import (
    Account,
    AutoPayAgreement,
    BankCard,
    Book,
    EntryStatus,
    MovementKind,
    Withdrawal,
    WithdrawalStatus,
)
from services.identity import accounts, phones
from services.money import ledger
from services.runtime import Runtime

POSTAL_BANK = "中国邮政储蓄银行"


async def load(rt: Runtime) -> list[str]:
    """Create whichever demo accounts are missing; returns the phones created."""
    created = []
    for phone, setup in (("13800000001", _with_balance), ("13800000002", _with_auto_pay),
                         ("13800000003", _with_pending_withdrawal)):
        if await Account.exists(phone=phones.normalize(phone)):
            continue
        try:
            async with in_transaction():
                account = await accounts.open_account(rt, phone=phone,
                                                      password=f"Demo-pass-{phone[-1]}",
                                                      display_name=f"演示用户{phone[-1]}")
                await setup(rt, account)
        except IntegrityError:  # another process starting at the same moment created it
            continue
        created.append(phone)
    return created


async def _top_up(rt: Runtime, account: Account, fen: int) -> None:
    await ledger.move(account_id=account.id, kind=MovementKind.TOP_UP,
                      from_book=Book.TOP_UP_CLEARING, to_book=Book.WALLET, fen=fen,
                      status=EntryStatus.SETTLED, at=rt.clock.now() - timedelta(days=30))


async def _card(rt: Runtime, account: Account, last4: str) -> BankCard:
    return await BankCard.create(account=account, bank_name=POSTAL_BANK, last4=last4,
                                 bound_at=rt.clock.now() - timedelta(days=60))


async def _with_balance(rt: Runtime, account: Account) -> None:
    await _card(rt, account, "6789")
    await _top_up(rt, account, 12_850)


async def _with_auto_pay(rt: Runtime, account: Account) -> None:
    await _card(rt, account, "4321")
    await AutoPayAgreement.create(account=account, merchant="中国邮政 邮费代扣",
                                  created_at=rt.clock.now() - timedelta(days=20))


async def _with_pending_withdrawal(rt: Runtime, account: Account) -> None:
    card = await _card(rt, account, "1357")
    await _top_up(rt, account, 5_000)
    movement_id = await ledger.move(account_id=account.id, kind=MovementKind.WITHDRAWAL,
                                    from_book=Book.WALLET, to_book=Book.PAYOUT_CLEARING,
                                    fen=5_000, status=EntryStatus.PENDING, at=rt.clock.now())
    await Withdrawal.create(account=account, card=card, movement_id=movement_id, amount_fen=5_000,
                            status=WithdrawalStatus.PENDING, idempotency_key=f"demo-{uuid4()}",
                            created_at=rt.clock.now(), on_hold=True)
