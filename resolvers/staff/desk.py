"""The support desk's resolvers: read the context and input, call one service, map."""

import strawberry

from models import ClosureRequest as ClosureRequestModel
from models import OfflineRefund as OfflineRefundModel
from models import StaffAuditEntry as StaffAuditEntryModel
from models import StaffRole, StaffUser
from resolvers.common import top_level_error
from resolvers.pages import connection
from resolvers.staff.common import StaffInfo, acting, errors_as_data, forbidden
from schema.pagination import Connection
from schema.staff.types import (
    Amount,
    ClosureBlocker,
    ClosureStep,
    Customer,
    CustomerCard,
    CustomerCertificate,
    CustomerClosureRequest,
    CustomerRef,
    LegalHoldInput,
    LegalHoldPayload,
    LegalHoldRef,
    OfflineRefund,
    ProposeRefundInput,
    RefundDecisionInput,
    RefundPayload,
    RevealPhoneInput,
    RevealPhonePayload,
    ReviewDecisionInput,
    ReviewDecisionPayload,
    ReviewedRequest,
    ReviewItem,
    StaffAuditEntry,
    StaffLoginInput,
    StaffLoginPayload,
    StaffLogoutPayload,
    StaffMember,
    StaffName,
)
from services import currency
from services.actors import Forbidden
from services.closure.eligibility import BlockerCode
from services.closure.review import ReviewReason
from services.errors import DomainError
from services.identity import phones
from services.money import refunds
from services.records import certificates, staff_audit
from services.support import customers, reviews, staff
from services.support.customers import CustomerView


def amount(fen: int) -> Amount:
    return Amount(fen=fen, display=currency.display(fen))


def member(user: StaffUser) -> StaffMember:
    return StaffMember(id=strawberry.ID(str(user.id)), username=user.username, role=user.role)


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


def customer_of(info: StaffInfo, staff: StaffUser, view: CustomerView) -> Customer:
    lang = info.context.lang
    account = view.account
    return Customer(
        id=strawberry.ID(str(account.id)),
        phone_masked=phones.mask(account.phone),
        status=account.status,
        legal_hold=account.legal_hold,
        balance=amount(view.balance.available_fen),
        bank_cards=[
            CustomerCard(id=strawberry.ID(str(c.id)), bank_name=c.bank_name, last4=c.last4)
            for c in view.cards
        ],
        blockers=[
            ClosureBlocker(code=BlockerCode(f.code), message=f.message(lang)) for f in view.blockers
        ],
        closure_requests=[
            CustomerClosureRequest(
                id=strawberry.ID(str(h.request.id)),
                state=h.request.state,
                reason=h.request.reason,
                created_at=h.request.created_at,
                review_reasons=[ReviewReason(r) for r in h.request.review_reasons],
                review_note=h.request.review_note,
                timeline=[ClosureStep(state=s.state, at=s.at) for s in h.steps],
            )
            for h in view.closure_requests
        ],
        refunds=[refund_of(info, staff, r) for r in view.refunds],
        certificates=[
            CustomerCertificate(
                id=strawberry.ID(str(c.id)),
                kind=c.kind,
                issued_at=c.issued_at,
                verification_code=certificates.display_code(c.verification_code),
                revoked_at=c.revoked_at,
            )
            for c in view.certificates
        ],
    )


def request_ref(request: ClosureRequestModel) -> ReviewedRequest:
    return ReviewedRequest(id=strawberry.ID(str(request.id)), state=request.state)


@errors_as_data
async def staff_login(info: StaffInfo, input: StaffLoginInput) -> StaffLoginPayload:
    logged_in = await staff.log_in(
        info.context.runtime,
        username=input.username,
        password=input.password,
        totp_code=input.totp_code,
        client=info.context.client,
    )
    return StaffLoginPayload(token=logged_in.token, staff=member(logged_in.staff))


async def staff_logout(info: StaffInfo) -> StaffLogoutPayload:
    return StaffLogoutPayload(ok=await staff.log_out(info.context.runtime, await acting(info)))


async def staff_me(info: StaffInfo) -> StaffMember:
    return member((await acting(info)).staff)


async def customer(info: StaffInfo, phone: str) -> Customer | None:
    session = await acting(info)
    try:
        view = await customers.by_phone(info.context.runtime, session.staff, phone)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    except Forbidden:
        raise forbidden(info) from None
    return customer_of(info, session.staff, view) if view else None


async def customer_by_id(info: StaffInfo, id: strawberry.ID) -> Customer | None:
    session = await acting(info)
    try:
        view = await customers.by_id(info.context.runtime, session.staff, id)
    except Forbidden:
        raise forbidden(info) from None
    return customer_of(info, session.staff, view) if view else None


async def closure_reviews(
    info: StaffInfo, first: int | None = 20, after: str | None = None
) -> Connection[ReviewItem]:
    session = await acting(info)
    try:
        page = await reviews.queue(session.staff, first=first, after=after)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    except Forbidden:
        raise forbidden(info) from None
    return connection(
        page,
        lambda step: ReviewItem(
            id=strawberry.ID(str(step.request.id)),
            state=step.request.state,
            review_reasons=[ReviewReason(r) for r in step.request.review_reasons],
            created_at=step.request.created_at,
            customer=CustomerRef(
                id=strawberry.ID(str(step.request.account.id)),
                phone_masked=phones.mask(step.request.account.phone),
            ),
        ),
    )


@errors_as_data
async def reveal_customer_phone(info: StaffInfo, input: RevealPhoneInput) -> RevealPhonePayload:
    session = await acting(info)
    phone = await customers.reveal_phone(
        info.context.runtime, session.staff, customer_id=input.customer_id, reason=input.reason
    )
    return RevealPhonePayload(phone=phone)


@errors_as_data
async def approve_closure(info: StaffInfo, input: ReviewDecisionInput) -> ReviewDecisionPayload:
    session = await acting(info)
    request = await reviews.approve(
        info.context.runtime, session.staff, request_id=input.request_id, note=input.note
    )
    return ReviewDecisionPayload(request=request_ref(request))


@errors_as_data
async def reject_closure(info: StaffInfo, input: ReviewDecisionInput) -> ReviewDecisionPayload:
    session = await acting(info)
    request = await reviews.reject(
        info.context.runtime, session.staff, request_id=input.request_id, note=input.note
    )
    return ReviewDecisionPayload(request=request_ref(request))


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


@errors_as_data
async def set_legal_hold(info: StaffInfo, input: LegalHoldInput) -> LegalHoldPayload:
    session = await acting(info)
    account = await customers.set_legal_hold(
        info.context.runtime,
        session.staff,
        customer_id=input.customer_id,
        hold=input.hold,
        reason=input.reason,
    )
    return LegalHoldPayload(
        customer=LegalHoldRef(id=strawberry.ID(str(account.id)), legal_hold=account.legal_hold)
    )


async def staff_audit_log(
    info: StaffInfo, first: int | None = 20, after: str | None = None
) -> Connection[StaffAuditEntry]:
    session = await acting(info)
    try:
        page, lines = await staff_audit.page(session.staff, first=first, after=after)
    except DomainError as error:
        raise top_level_error(info.context.lang, error) from None
    except Forbidden:
        raise forbidden(info) from None
    by_entry = {line.entry.id: line for line in lines}

    def node(entry: StaffAuditEntryModel) -> StaffAuditEntry:
        line = by_entry[entry.id]
        return StaffAuditEntry(
            at=entry.at,
            action=staff_audit.StaffAuditAction(entry.action),
            reason=line.reason,
            customer_id=strawberry.ID(str(entry.account_id)) if entry.account_id else None,
            staff=StaffName(
                username=line.staff.username, role=StaffRole(line.role) if line.role else None
            )
            if line.staff
            else None,
        )

    return connection(page, node)
