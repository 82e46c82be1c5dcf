"""Offline refunds with maker-checker (spec §10): support pays a balance the customer cannot
withdraw (no valid card) to a named payee. The checker decides on what the maker stored."""

from enum import StrEnum

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import (
    Account,
    AccountStatus,
    Book,
    EntryStatus,
    MovementKind,
    OfflineRefund,
    RefundStatus,
    StaffUser,
)
from services import locks, validation
from services.actors import Permission, may, require
from services.errors import DomainError, StaffErrorCode
from services.money import ledger
from services.records import staff_audit
from services.records.staff_audit import StaffAuditAction
from services.runtime import Runtime
from services.statemachine import Edge, Machine


class RefundEvent(StrEnum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


REFUND = Machine[RefundStatus, RefundEvent](
    name="offline refund",
    initial=RefundStatus.PROPOSED,
    error_field="refundId",
    ended=frozenset({RefundStatus.APPROVED, RefundStatus.REJECTED}),
    transitions={
        (RefundStatus.PROPOSED, RefundEvent.APPROVE): Edge(
            RefundStatus.APPROVED, "another supervisor; money moves"
        ),
        (RefundStatus.PROPOSED, RefundEvent.REJECT): Edge(
            RefundStatus.REJECTED, "another supervisor"
        ),
    },
)


async def payee_account(rt: Runtime, staff: StaffUser, refund: OfflineRefund) -> str:
    """In full while a checker must compare it, to those who propose and decide (each such
    read in the staff audit log); ****1234 to AUDITORs, and to everyone once decided."""
    account = refund.payee_account
    pending = refund.status == RefundStatus.PROPOSED
    if not (pending and account and may(staff.role, Permission.READ_PENDING_PAYEE)):
        return f"****{account[-4:]}" if account else ""
    await staff_audit.record(
        rt,
        StaffAuditAction.PAYEE_ACCOUNT_SHOWN,
        staff=staff,
        account_id=refund.account_id,
        at=rt.clock.now(),
        refund=str(refund.id),
    )
    return account


async def propose(
    rt: Runtime,
    staff: StaffUser,
    *,
    customer_id: str,
    payee_name: str,
    payee_bank: str,
    payee_account: str,
    note: str,
    idempotency_key: str,
) -> OfflineRefund:
    """A refund of the whole available balance, waiting for another supervisor; the same
    key returns the same proposal."""
    require(staff, Permission.PROPOSE_REFUND)
    key = validation.text(idempotency_key, field="idempotencyKey", max_length=64)
    payee_name = validation.text(payee_name, field="payeeName", max_length=64)
    payee_bank = validation.text(payee_bank, field="payeeBank", max_length=64)
    payee_account = validation.text(payee_account, field="payeeAccount", max_length=34)
    if not payee_account.replace(" ", "").isdigit():
        raise DomainError(StaffErrorCode.INVALID_INPUT, field="payeeAccount", max_length=34)
    note = validation.text(note, field="note", max_length=500, required=False)
    account_id = validation.uuid(customer_id)
    if account_id is None or not await Account.exists(id=account_id):
        raise DomainError(StaffErrorCode.NOT_FOUND, field="customerId")
    now = rt.clock.now()
    async with in_transaction():
        account = await locks.account(account_id)
        replayed = await OfflineRefund.get_or_none(account_id=account_id, idempotency_key=key)
        if replayed:
            return replayed
        if account.status != AccountStatus.ACTIVE:
            raise DomainError(
                StaffErrorCode.INVALID_STATE, field="customerId", state=account.status.value
            )
        if await OfflineRefund.exists(account_id=account_id, status=RefundStatus.PROPOSED):
            raise DomainError(
                StaffErrorCode.INVALID_STATE, field="customerId", message_key="REFUND_PENDING"
            )
        available = (await ledger.balance(account_id)).available_fen
        if available <= 0:
            raise DomainError(StaffErrorCode.NOTHING_TO_REFUND, field="customerId")
        refund = await OfflineRefund.create(
            account_id=account_id,
            status=RefundStatus.PROPOSED,
            amount_fen=available,
            payee_name=payee_name,
            payee_bank=payee_bank,
            payee_account=payee_account.replace(" ", ""),
            note=note,
            idempotency_key=key,
            proposed_by=staff,
            created_at=now,
        )
        await staff_audit.record(
            rt,
            StaffAuditAction.REFUND_PROPOSED,
            staff=staff,
            account_id=account_id,
            reason=note,
            at=now,
            refund=str(refund.id),
            fen=available,
        )
    return refund


async def find(refund_id: str) -> OfflineRefund:
    found_id = validation.uuid(refund_id)
    refund = await OfflineRefund.get_or_none(id=found_id) if found_id else None
    if refund is None:
        raise DomainError(StaffErrorCode.NOT_FOUND, field="refundId")
    return refund


async def approve(rt: Runtime, staff: StaffUser, *, refund_id: str, note: str) -> OfflineRefund:
    """Moves the stored amount WALLET -> OFFLINE_REFUND_CLEARING; the checker is never the
    maker, and the available balance must still be exactly the amount proposed (more arrived:
    the customer would stay blocked; less: it would not be there)."""
    return await _decide(rt, staff, refund_id=refund_id, note=note, approve=True)


async def reject(rt: Runtime, staff: StaffUser, *, refund_id: str, note: str) -> OfflineRefund:
    return await _decide(rt, staff, refund_id=refund_id, note=note, approve=False)


async def _decide(
    rt: Runtime, staff: StaffUser, *, refund_id: str, note: str, approve: bool
) -> OfflineRefund:
    require(staff, Permission.DECIDE_REFUND)
    note = validation.text(note, field="note", max_length=500, required=False)
    refund = await find(refund_id)
    if refund.proposed_by_id == staff.id:
        raise DomainError(StaffErrorCode.SELF_APPROVAL, field="refundId")
    now = rt.clock.now()
    async with in_transaction():
        # The account first, as everywhere: a withdrawal or a confirmation racing this
        # approval waits, so no more than the balance ever moves.
        account = await locks.account(refund.account_id)
        movement_id = None
        if approve:
            available = (await ledger.balance(account.id)).available_fen
            if account.status != AccountStatus.ACTIVE or available != refund.amount_fen:
                raise DomainError(
                    StaffErrorCode.INSUFFICIENT_BALANCE,
                    field="refundId",
                    message_key="BALANCE_CHANGED",
                )
            movement_id = await ledger.move(
                account_id=account.id,
                kind=MovementKind.OFFLINE_REFUND,
                from_book=Book.WALLET,
                to_book=Book.OFFLINE_REFUND_CLEARING,
                fen=refund.amount_fen,
                status=EntryStatus.SETTLED,
                at=now,
            )
        # The checker is never the maker, in the statement itself; decided meanwhile by
        # another supervisor: INVALID_STATE, and the movement rolls back with it.
        await REFUND.move(
            refund,
            RefundEvent.APPROVE if approve else RefundEvent.REJECT,
            unless=Q(proposed_by_id=staff.id),
            decided_by_id=staff.id,
            decided_at=now,
            decision_note=note,
            movement_id=movement_id,
        )
        await staff_audit.record(
            rt,
            StaffAuditAction.REFUND_APPROVED if approve else StaffAuditAction.REFUND_REJECTED,
            staff=staff,
            account_id=account.id,
            reason=note,
            at=now,
            refund=str(refund.id),
            fen=refund.amount_fen,
        )
    return await OfflineRefund.get(id=refund.id).select_related("proposed_by", "decided_by")
