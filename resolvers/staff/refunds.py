"""Offline refunds, maker-checker."""

import strawberry

from models import OfflineRefund as OfflineRefundModel
from models import StaffUser
from resolvers.staff.common import StaffInfo, acting, amount, errors_as_data
from schema.staff.types import (
    OfflineRefund,
    ProposeRefundInput,
    RefundDecisionInput,
    RefundPayload,
    StaffName,
)
from services.money import refunds


def refund_of(info: StaffInfo, staff: StaffUser, refund: OfflineRefundModel) -> OfflineRefund:
    decided = refund.decided_by if refund.decided_by_id else None
    return OfflineRefund(
        id=strawberry.ID(str(refund.id)),
        status=refund.status,
        amount=amount(refund.amount_fen),
        payee_name=refund.payee_name,
        payee_bank=refund.payee_bank,
        load_payee_account=lambda: refunds.payee_account(info.context.runtime, staff, refund),
        proposed_by=StaffName(username=refund.proposed_by.username, role=refund.proposed_by.role),
        decided_by=StaffName(username=decided.username, role=decided.role) if decided else None,
    )


@errors_as_data
async def propose_offline_refund(info: StaffInfo, input: ProposeRefundInput) -> RefundPayload:
    session = await acting(info)
    refund = await refunds.propose(
        info.context.runtime,
        session.staff,
        customer_id=input.customer_id,
        payee_name=input.payee_name,
        payee_bank=input.payee_bank,
        payee_account=input.payee_account,
        note=input.note,
        idempotency_key=input.idempotency_key,
    )
    await refund.fetch_related("proposed_by", "decided_by")
    return RefundPayload(refund=refund_of(info, session.staff, refund))


@errors_as_data
async def approve_offline_refund(info: StaffInfo, input: RefundDecisionInput) -> RefundPayload:
    session = await acting(info)
    return RefundPayload(
        refund=refund_of(
            info,
            session.staff,
            await refunds.approve(
                info.context.runtime, session.staff, refund_id=input.refund_id, note=input.note
            ),
        )
    )


@errors_as_data
async def reject_offline_refund(info: StaffInfo, input: RefundDecisionInput) -> RefundPayload:
    session = await acting(info)
    return RefundPayload(
        refund=refund_of(
            info,
            session.staff,
            await refunds.reject(
                info.context.runtime, session.staff, refund_id=input.refund_id, note=input.note
            ),
        )
    )
