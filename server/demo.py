"""The demo customers of spec §8 and §10 and the support desk's staff users, so that both
GraphiQLs are usable at once."""

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
    StaffRole,
    StaffUser,
    Withdrawal,
    WithdrawalStatus,
)
from services.errors import DomainError
from services.identity import accounts, phones
from services.money import ledger
from services.runtime import Runtime
from services.support import staff

POSTAL_BANK = "中国邮政储蓄银行"


async def load(rt: Runtime) -> list[str]:
    """Create whichever demo accounts are missing; returns the phones created."""
    created = []
    for phone, setup in (
        ("13800000001", _with_balance),
        ("13800000002", _with_auto_pay),
        ("13800000003", _with_pending_withdrawal),
        ("13800000004", _with_expired_card),
    ):
        if await Account.exists(phone=phones.normalize(phone)):
            continue
        try:
            async with in_transaction():
                account = await accounts.open_account(
                    rt,
                    phone=phone,
                    password=f"Demo-pass-{phone[-1]}",
                    display_name=f"演示用户{phone[-1]}",
                )
                await setup(rt, account)
        except IntegrityError:  # another process starting at the same moment created it
            continue
        created.append(phone)
    return created


async def _top_up(rt: Runtime, account: Account, fen: int) -> None:
    await ledger.move(
        account_id=account.id,
        kind=MovementKind.TOP_UP,
        from_book=Book.TOP_UP_CLEARING,
        to_book=Book.WALLET,
        fen=fen,
        status=EntryStatus.SETTLED,
        at=rt.clock.now() - timedelta(days=30),
    )


async def _card(rt: Runtime, account: Account, last4: str) -> BankCard:
    return await BankCard.create(
        account=account,
        bank_name=POSTAL_BANK,
        last4=last4,
        bound_at=rt.clock.now() - timedelta(days=60),
    )


async def _with_balance(rt: Runtime, account: Account) -> None:
    await _card(rt, account, "6789")
    await _top_up(rt, account, 12_850)


async def _with_auto_pay(rt: Runtime, account: Account) -> None:
    await _card(rt, account, "4321")
    await AutoPayAgreement.create(
        account=account,
        merchant="中国邮政 邮费代扣",
        created_at=rt.clock.now() - timedelta(days=20),
    )


async def _with_expired_card(rt: Runtime, account: Account) -> None:
    """¥36.20 and no card to withdraw it to: only support can refund it (offline refund)."""
    card = await _card(rt, account, "2468")
    await _top_up(rt, account, 3_620)
    await BankCard.filter(id=card.id).update(unbound_at=rt.clock.now() - timedelta(days=3))


STAFF = (
    ("agent", StaffRole.AGENT, "Agent-pass-1"),
    ("supervisor", StaffRole.SUPERVISOR, "Super-pass-1"),
    ("supervisor2", StaffRole.SUPERVISOR, "Super-pass-2"),
    ("auditor", StaffRole.AUDITOR, "Audit-pass-1"),
)


async def load_staff(rt: Runtime) -> list[tuple[str, str, str, str]]:
    """Create whichever demo staff users are missing; returns (username, role, password,
    TOTP secret) of each, for an authenticator app or `pyotp.TOTP(secret).now()`."""
    users = []
    for username, role, password in STAFF:
        user = await StaffUser.get_or_none(username=username)
        if user is None:
            try:
                user = await staff.add(rt, username=username, password=password, role=role)
            except DomainError:  # another process starting at the same moment created it
                user = await StaffUser.get(username=username)
        users.append((username, role.value, password, staff.totp_secret(rt, user)))
    return users


async def _with_pending_withdrawal(rt: Runtime, account: Account) -> None:
    card = await _card(rt, account, "1357")
    await _top_up(rt, account, 5_000)
    movement_id = await ledger.move(
        account_id=account.id,
        kind=MovementKind.WITHDRAWAL,
        from_book=Book.WALLET,
        to_book=Book.PAYOUT_CLEARING,
        fen=5_000,
        status=EntryStatus.PENDING,
        at=rt.clock.now(),
    )
    await Withdrawal.create(
        account=account,
        card=card,
        movement_id=movement_id,
        amount_fen=5_000,
        status=WithdrawalStatus.PENDING,
        idempotency_key=f"demo-{uuid4()}",
        created_at=rt.clock.now(),
        on_hold=True,
    )
