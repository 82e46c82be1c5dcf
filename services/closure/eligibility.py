"""What blocks closing an account and what the customer must know first (spec §3)."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID

from models import (
    Account,
    AutoPayAgreement,
    BankCard,
    Book,
    ClosureRequest,
    EntryStatus,
    LedgerEntry,
)
from services import currency
from services.closure.machine import OPEN
from services.messages import message
from services.money import ledger
from services.runtime import Runtime


class BlockerCode(StrEnum):
    BALANCE_NOT_ZERO = "BALANCE_NOT_ZERO"
    PENDING_TRANSACTIONS = "PENDING_TRANSACTIONS"
    NO_CARD_FOR_WITHDRAWAL = "NO_CARD_FOR_WITHDRAWAL"
    CLOSURE_IN_PROGRESS = "CLOSURE_IN_PROGRESS"


class WarningCode(StrEnum):
    HISTORY_DELETED = "HISTORY_DELETED"
    CARDS_UNBOUND = "CARDS_UNBOUND"
    AUTO_PAY_ENDED = "AUTO_PAY_ENDED"
    OTHER_POSTAL_SERVICES_UNAFFECTED = "OTHER_POSTAL_SERVICES_UNAFFECTED"
    RECOVERY_WINDOW = "RECOVERY_WINDOW"
    SECURE_NETWORK = "SECURE_NETWORK"
    SUPPORT_CONTACT = "SUPPORT_CONTACT"


@dataclass(frozen=True)
class Finding:
    code: BlockerCode | WarningCode
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        key = self.code.value
        if self.code == WarningCode.RECOVERY_WINDOW and self.params["days"] == 0:
            key = "RECOVERY_WINDOW_NONE"
        return message(key, lang, **self.params)


@dataclass(frozen=True)
class Eligibility:
    blockers: list[Finding]
    warnings: list[Finding]
    open_request: ClosureRequest | None
    recovery_window_days: int

    @property
    def can_close(self) -> bool:
        return not self.blockers


def _support(rt: Runtime) -> dict[str, str]:
    return {"phone": rt.rules.support_phone, "hours": rt.rules.support_hours}


async def blockers(rt: Runtime, account: Account, *,
                   ignoring: UUID | None = None) -> tuple[list[Finding], ClosureRequest | None]:
    """The blockers, and the open request if there is one (other than `ignoring`)."""
    found = []
    balance = await ledger.balance(account.id)
    pending = await LedgerEntry.filter(account_id=account.id, book=Book.WALLET,
                                       status=EntryStatus.PENDING).count()
    has_card = await BankCard.exists(account_id=account.id, unbound_at__isnull=True)
    if balance.available_fen > 0:
        found.append(Finding(BlockerCode.BALANCE_NOT_ZERO,
                             {"amount": currency.display(balance.available_fen)}))
    if pending:
        found.append(Finding(BlockerCode.PENDING_TRANSACTIONS, {"count": pending}))
    if balance.available_fen > 0 and not has_card:
        found.append(Finding(BlockerCode.NO_CARD_FOR_WITHDRAWAL,
                             {"amount": currency.display(balance.available_fen), **_support(rt)}))
    open_request = await (ClosureRequest.filter(account_id=account.id, state__in=list(OPEN))
                          .exclude(id=ignoring).order_by("-created_at").first())
    if open_request:
        found.append(Finding(BlockerCode.CLOSURE_IN_PROGRESS, {"state": open_request.state.value}))
    return found, open_request


async def warnings(rt: Runtime, account: Account) -> list[Finding]:
    cards = await BankCard.filter(account_id=account.id, unbound_at__isnull=True).order_by(
        "bound_at")
    agreements = await AutoPayAgreement.filter(account_id=account.id, ended_at__isnull=True)
    found = [Finding(WarningCode.HISTORY_DELETED)]
    if cards:
        found.append(Finding(WarningCode.CARDS_UNBOUND, {
            "cards": "、".join(f"{c.bank_name} ****{c.last4}" for c in cards)}))
    if agreements:
        found.append(Finding(WarningCode.AUTO_PAY_ENDED, {
            "agreements": "、".join(a.merchant for a in agreements)}))
    found += [
        Finding(WarningCode.OTHER_POSTAL_SERVICES_UNAFFECTED),
        Finding(WarningCode.RECOVERY_WINDOW, {"days": rt.rules.recovery_window.days}),
        Finding(WarningCode.SECURE_NETWORK),
        Finding(WarningCode.SUPPORT_CONTACT, _support(rt)),
    ]
    return found


async def assess(rt: Runtime, account: Account) -> Eligibility:
    found, open_request = await blockers(rt, account)
    return Eligibility(blockers=found, warnings=await warnings(rt, account),
                       open_request=open_request,
                       recovery_window_days=rt.rules.recovery_window.days)
