"""A supervisor decides on a closure held for review (spec §9)."""

from tortoise.transactions import in_transaction

from models import ClosureRequest, ClosureStep, StaffUser
from services import locks, paging, validation
from services.accounts import ACCOUNT, AccountEvent
from services.actors import Permission, require
from services.closure.machine import Event, State, apply
from services.errors import DomainError, StaffErrorCode
from services.messages import message
from services.notify import outbox
from services.notify.sms import SmsPurpose
from services.paging import Page
from services.records import staff_audit
from services.records.staff_audit import StaffAuditAction
from services.runtime import Runtime
from services.support.customers import reason_given


async def queue(staff: StaffUser, *, first: int | None, after: str | None) -> Page[ClosureStep]:
    """Requests waiting for a decision, oldest hold first: each is the step that held it."""
    require(staff, Permission.READ_REVIEWS)
    return await paging.oldest_first(
        ClosureStep.filter(
            state=State.UNDER_REVIEW, request__state=State.UNDER_REVIEW
        ).select_related("request", "request__account"),
        key="id",
        list_name="reviews",
        first=first,
        after=after,
    )


async def _held(request_id: str) -> ClosureRequest:
    held_id = validation.uuid(request_id)
    request = await ClosureRequest.get_or_none(id=held_id) if held_id else None
    if request is None:
        raise DomainError(StaffErrorCode.NOT_FOUND, field="requestId")
    if request.state != State.UNDER_REVIEW:
        raise DomainError(
            StaffErrorCode.INVALID_STATE, field="requestId", state=request.state.value
        )
    return request


async def approve(rt: Runtime, staff: StaffUser, *, request_id: str, note: str) -> ClosureRequest:
    """UNDER_REVIEW -> CONFIRMED: the worker completes it as after a plain confirmation."""
    require(staff, Permission.DECIDE_REVIEW)
    note = reason_given(note, field="note")
    request = await _held(request_id)
    now = rt.clock.now()
    async with in_transaction():
        await locks.account(request.account_id)
        await apply(rt, request, Event.APPROVE, at=now, review_note=note)
        await staff_audit.record(
            rt,
            StaffAuditAction.CLOSURE_APPROVED,
            staff=staff,
            account_id=request.account_id,
            reason=note,
            at=now,
            request=str(request.id),
        )
    rt.wake_worker()
    return request


async def reject(rt: Runtime, staff: StaffUser, *, request_id: str, note: str) -> ClosureRequest:
    """UNDER_REVIEW -> REJECTED: the account is ACTIVE again; its sessions stay revoked."""
    require(staff, Permission.DECIDE_REVIEW)
    note = reason_given(note, field="note")
    request = await _held(request_id)
    now = rt.clock.now()
    async with in_transaction():
        account = await locks.account(request.account_id)
        await apply(rt, request, Event.REJECT, at=now, review_note=note)
        await ACCOUNT.move(account, AccountEvent.REOPEN)
        if account.phone:
            await outbox.enqueue(
                rt,
                account_id=account.id,
                to_phone=account.phone,
                purpose=SmsPurpose.CLOSURE_REJECTED,
                at=now,
                text=message("SMS_CLOSURE_REJECTED", account.locale, phone=rt.rules.support_phone),
            )
        await staff_audit.record(
            rt,
            StaffAuditAction.CLOSURE_REJECTED,
            staff=staff,
            account_id=account.id,
            reason=note,
            at=now,
            request=str(request.id),
        )
    rt.wake_worker()
    return request
