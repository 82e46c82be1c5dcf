"""Customers as the desk looks them up, and revealing a phone number."""

import strawberry

from models import StaffUser
from resolvers.common import top_level_error
from resolvers.staff.common import StaffInfo, acting, amount, errors_as_data, forbidden
from resolvers.staff.refunds import refund_of
from schema.staff.types import (
    ClosureBlocker,
    ClosureStep,
    Customer,
    CustomerCard,
    CustomerCertificate,
    CustomerClosureRequest,
    RevealPhoneInput,
    RevealPhonePayload,
)
from services.actors import Forbidden
from services.closure.eligibility import BlockerCode
from services.closure.review import ReviewReason
from services.errors import DomainError
from services.identity import phones
from services.records import certificates
from services.support import customers
from services.support.customers import CustomerView


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


@errors_as_data
async def reveal_customer_phone(info: StaffInfo, input: RevealPhoneInput) -> RevealPhonePayload:
    session = await acting(info)
    phone = await customers.reveal_phone(
        info.context.runtime, session.staff, customer_id=input.customer_id, reason=input.reason
    )
    return RevealPhonePayload(phone=phone)
