from models import Account, AutoPayAgreement, BankCard, Book, EntryStatus, MovementKind
from services.identity import accounts
from services.money import ledger
from services.runtime import Runtime

PASSWORD = "Right-pass-1"


async def account(
    rt: Runtime,
    phone: str = "13900000001",
    *,
    fen: int = 0,
    card_last4: str | None = None,
    auto_pay: bool = False,
) -> Account:
    created = await accounts.open_account(rt, phone=phone, password=PASSWORD, display_name="测试")
    if card_last4:
        await BankCard.create(
            account=created, bank_name="中国邮政储蓄银行", last4=card_last4, bound_at=rt.clock.now()
        )
    if fen:
        await ledger.move(
            account_id=created.id,
            kind=MovementKind.TOP_UP,
            from_book=Book.TOP_UP_CLEARING,
            to_book=Book.WALLET,
            fen=fen,
            status=EntryStatus.SETTLED,
            at=rt.clock.now(),
        )
    if auto_pay:
        await AutoPayAgreement.create(
            account=created, merchant="水费代扣", created_at=rt.clock.now()
        )
    return created


async def top_up(rt: Runtime, phone: str, fen: int) -> None:
    account = await Account.get(phone=phone)
    await ledger.move(
        account_id=account.id,
        kind=MovementKind.TOP_UP,
        from_book=Book.TOP_UP_CLEARING,
        to_book=Book.WALLET,
        fen=fen,
        status=EntryStatus.SETTLED,
        at=rt.clock.now(),
    )


async def top_up_and_spend(rt: Runtime, phone: str, fen: int) -> None:
    """History without a balance: money in, then paid to a merchant."""
    await top_up(rt, phone, fen)
    account = await Account.get(phone=phone)
    await ledger.move(
        account_id=account.id,
        kind=MovementKind.PAYMENT,
        from_book=Book.WALLET,
        to_book=Book.PAYOUT_CLEARING,
        fen=fen,
        status=EntryStatus.SETTLED,
        at=rt.clock.now(),
    )
