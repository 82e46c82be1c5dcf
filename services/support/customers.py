"""Customers as support sees them: looked up by phone or id, phone masked unless revealed
with a reason; legal holds."""

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from models import (
    Account,
    BankCard,
    Certificate,
    ClosureRequest,
    ClosureStep,
    OfflineRefund,
    StaffUser,
)
from services import locks, validation
from services.actors import Permission, require
from services.closure import eligibility
from services.closure.eligibility import Finding
from services.errors import DomainError, StaffErrorCode
from services.identity import phones
from services.money import ledger
from services.money.ledger import Balance
from services.records import certificates, staff_audit
from services.records.staff_audit import StaffAuditAction
from services.runtime import Runtime


@dataclass(frozen=True)
class ClosureHistory:
    request: ClosureRequest
    steps: list[ClosureStep]


@dataclass(frozen=True)
class CustomerView:
    account: Account
    balance: Balance
    cards: list[BankCard]
    blockers: list[Finding]
    closure_requests: list[ClosureHistory]
    refunds: list[OfflineRefund]
    certificates: list[Certificate]


async def _view(rt: Runtime, account: Account) -> CustomerView:
    requests = await ClosureRequest.filter(account_id=account.id).order_by("-created_at")
    steps = await ClosureStep.filter(request_id__in=[r.id for r in requests]).order_by("id")
    found, _ = await eligibility.blockers(rt, account.id)
    return CustomerView(
        account=account,
        balance=await ledger.balance(account.id),
        cards=await BankCard.filter(account_id=account.id, unbound_at__isnull=True),
        blockers=found,
        closure_requests=[
            ClosureHistory(r, [s for s in steps if s.request_id == r.id]) for r in requests
        ],
        refunds=await OfflineRefund.filter(account_id=account.id)
        .order_by("-created_at")
        .select_related("proposed_by", "decided_by"),
        certificates=await certificates.of_account(account.id),
    )


async def by_phone(rt: Runtime, staff: StaffUser, phone: str) -> CustomerView | None:
    require(staff, Permission.READ_CUSTOMERS)
    account = await Account.get_or_none(phone=phones.normalize(phone))
    return await _view(rt, account) if account else None


async def find(customer_id: str) -> Account | None:
    account_id = validation.uuid(customer_id)
    return await Account.get_or_none(id=account_id) if account_id else None


async def by_id(rt: Runtime, staff: StaffUser, customer_id: str) -> CustomerView | None:
    require(staff, Permission.READ_CUSTOMERS)
    account = await find(customer_id)
    return await _view(rt, account) if account else None


def reason_given(reason: str, field: str = "reason") -> str:
    reason = reason.strip()
    if not reason:
        raise DomainError(StaffErrorCode.REASON_REQUIRED, field=field)
    return validation.text(reason, field=field, max_length=500)


async def reveal_phone(rt: Runtime, staff: StaffUser, *, customer_id: str, reason: str) -> str:
    """The full number, written to the staff audit log with the reason; NOT_FOUND once purged."""
    require(staff, Permission.REVEAL_PHONE)
    reason = reason_given(reason)
    account = await find(customer_id)
    if account is None or account.phone is None:
        raise DomainError(StaffErrorCode.NOT_FOUND, field="customerId")
    await staff_audit.record(
        rt,
        StaffAuditAction.PHONE_REVEALED,
        staff=staff,
        account_id=account.id,
        reason=reason,
        at=rt.clock.now(),
    )
    return account.phone


async def set_legal_hold(
    rt: Runtime, staff: StaffUser, *, customer_id: str, hold: bool, reason: str
) -> Account:
    """While set, nothing of the account is purged (personal data or financial records);
    closure itself goes on."""
    require(staff, Permission.SET_LEGAL_HOLD)
    reason = reason_given(reason)
    account = await find(customer_id)
    if account is None:
        raise DomainError(StaffErrorCode.NOT_FOUND, field="customerId")
    async with in_transaction():
        locked = await locks.account(account.id)
        await Account.filter(id=account.id).update(legal_hold=hold)
        locked.legal_hold = hold
        await staff_audit.record(
            rt,
            StaffAuditAction.LEGAL_HOLD_SET if hold else StaffAuditAction.LEGAL_HOLD_RELEASED,
            staff=staff,
            account_id=account.id,
            reason=reason,
            at=rt.clock.now(),
        )
    return locked
