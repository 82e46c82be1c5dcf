"""What blocks closing an account and what the customer must know first (spec §3)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID

from models import Book, ClosureRequest, EntryStatus
from services import currency
from services.closure.machine import OPEN, State
from services.database import fetch, read_uuid
from services.messages import message
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


NO_REQUEST = UUID(int=0)

# What blocks closing, in one round trip (every app launch asks): the balance, movements
# still pending, whether a card is bound, and the newest open request but `ignoring`.
STANDING = f"""
SELECT
  (SELECT settled_fen - pending_out_fen FROM wallet_balance WHERE account_id = {{}})
    AS available_fen,
  (SELECT COUNT(*) FROM ledger_entry WHERE account_id = {{}} AND book = {{}} AND status = {{}})
    AS pending,
  EXISTS (SELECT 1 FROM bank_card WHERE account_id = {{}} AND unbound_at IS NULL) AS has_card,
  (SELECT id FROM closure_request
   WHERE account_id = {{}} AND state IN ({", ".join("{}" for _ in OPEN)}) AND id <> {{}}
   ORDER BY created_at DESC LIMIT 1) AS open_request_id
"""  # noqa: S608 (only placeholders are formatted in)
# What the customer loses: bound cards, then auto-pay agreements, as the names they know.
LOSSES = """
SELECT 'card' AS kind, bank_name || ' ****' || last4 AS label, bound_at AS since
FROM bank_card WHERE account_id = {} AND unbound_at IS NULL
UNION ALL
SELECT 'agreement', merchant, created_at
FROM auto_pay_agreement WHERE account_id = {} AND ended_at IS NULL
ORDER BY kind DESC, since
"""


async def blockers(
    rt: Runtime, account_id: UUID, *, ignoring: UUID | None = None
) -> tuple[list[Finding], ClosureRequest | None]:
    """The blockers, and the open request if there is one (other than `ignoring`)."""
    standing = (await fetch(STANDING, *standing_values(account_id, ignoring)))[0]
    open_request = None
    if standing["open_request_id"] is not None:
        open_request = await ClosureRequest.get(id=read_uuid(standing["open_request_id"]))
    return blockers_of(rt, standing, open_request.state if open_request else None), open_request


def standing_values(account_id: UUID, ignoring: UUID | None = None) -> list[Any]:
    return [
        account_id,
        account_id,
        Book.WALLET.value,
        EntryStatus.PENDING.value,
        account_id,
        account_id,
        *(state.value for state in OPEN),
        ignoring or NO_REQUEST,
    ]


def blockers_of(
    rt: Runtime, standing: Mapping[str, Any], open_state: State | None
) -> list[Finding]:
    """The rules of spec §3 over a row of STANDING."""
    available, pending = standing["available_fen"] or 0, standing["pending"]
    found = []
    if available > 0:
        found.append(Finding(BlockerCode.BALANCE_NOT_ZERO, {"amount": currency.display(available)}))
    if pending:
        found.append(Finding(BlockerCode.PENDING_TRANSACTIONS, {"count": pending}))
    if available > 0 and not standing["has_card"]:
        found.append(
            Finding(
                BlockerCode.NO_CARD_FOR_WITHDRAWAL,
                {"amount": currency.display(available), **_support(rt)},
            )
        )
    if open_state is not None:
        found.append(Finding(BlockerCode.CLOSURE_IN_PROGRESS, {"state": open_state.value}))
    return found


async def warnings(rt: Runtime, account_id: UUID) -> list[Finding]:
    return warnings_of(rt, await fetch(LOSSES, account_id, account_id))


def warnings_of(rt: Runtime, losses: list[Mapping[str, Any]]) -> list[Finding]:
    """What the customer must know first, with the rows of LOSSES named."""
    cards = [loss["label"] for loss in losses if loss["kind"] == "card"]
    agreements = [loss["label"] for loss in losses if loss["kind"] == "agreement"]
    found = [Finding(WarningCode.HISTORY_DELETED)]
    if cards:
        found.append(Finding(WarningCode.CARDS_UNBOUND, {"cards": "、".join(cards)}))
    if agreements:
        found.append(Finding(WarningCode.AUTO_PAY_ENDED, {"agreements": "、".join(agreements)}))
    found += [
        Finding(WarningCode.OTHER_POSTAL_SERVICES_UNAFFECTED),
        Finding(WarningCode.RECOVERY_WINDOW, {"days": rt.rules.recovery_window.days}),
        Finding(WarningCode.SECURE_NETWORK),
        Finding(WarningCode.SUPPORT_CONTACT, _support(rt)),
    ]
    return found


async def assess(rt: Runtime, account_id: UUID) -> Eligibility:
    found, open_request = await blockers(rt, account_id)
    return Eligibility(
        blockers=found,
        warnings=await warnings(rt, account_id),
        open_request=open_request,
        recovery_window_days=rt.rules.recovery_window.days,
    )
