"""The support desk's types: its own, so that nothing of it shows on /graphql."""

from collections.abc import Awaitable, Callable
from datetime import datetime

import strawberry

from models import AccountStatus as AccountStatusModel
from models import CertificateKind as CertificateKindModel
from models import ClosureReason as ClosureReasonModel
from models import ClosureState as ClosureStateModel
from models import RefundStatus as RefundStatusModel
from models import StaffRole as StaffRoleModel
from services.closure.eligibility import BlockerCode as BlockerCodeModel
from services.closure.review import ReviewReason as ReviewReasonModel
from services.errors import StaffErrorCode as StaffErrorCodeModel
from services.records.staff_audit import StaffAuditAction as StaffAuditActionModel

strawberry.enum(
    StaffErrorCodeModel,
    name="StaffErrorCode",
    description="Stable codes of the support desk's refusals.",
)
StaffErrorCode = StaffErrorCodeModel
strawberry.enum(StaffRoleModel, name="StaffRole")
StaffRole = StaffRoleModel
strawberry.enum(AccountStatusModel, name="CustomerStatus")
CustomerStatus = AccountStatusModel
strawberry.enum(ClosureStateModel, name="ClosureRequestState")
ClosureRequestState = ClosureStateModel
strawberry.enum(ClosureReasonModel, name="ClosureRequestReason")
ClosureRequestReason = ClosureReasonModel
strawberry.enum(BlockerCodeModel, name="ClosureBlockerCode")
ClosureBlockerCode = BlockerCodeModel
strawberry.enum(
    ReviewReasonModel,
    name="ReviewReason",
    description="Why a confirmed closure waits for a supervisor.",
)
ReviewReason = ReviewReasonModel
strawberry.enum(RefundStatusModel, name="RefundStatus")
RefundStatus = RefundStatusModel
strawberry.enum(StaffAuditActionModel, name="StaffAuditAction")
StaffAuditAction = StaffAuditActionModel
strawberry.enum(CertificateKindModel, name="CustomerCertificateKind")
CustomerCertificateKind = CertificateKindModel


@strawberry.type(description="A certificate of closure or erasure handed to the customer.")
class CustomerCertificate:
    id: strawberry.ID
    kind: CustomerCertificateKind
    issued_at: datetime
    verification_code: str = strawberry.field(
        description="The code printed on it, which verifyClosureCertificate checks."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When a restore took the closure back; null while it stands."
    )


@strawberry.type(description="A business rule said no; nothing changed.")
class StaffUserError:
    code: StaffErrorCode
    message: str
    field: str | None = None


@strawberry.type
class StaffMember:
    id: strawberry.ID
    username: str
    role: StaffRole


@strawberry.type
class StaffName:
    username: str
    role: StaffRole | None = None


@strawberry.type(description="Integer fen (分), CNY.")
class Amount:
    fen: int
    display: str


@strawberry.type
class CustomerCard:
    id: strawberry.ID
    bank_name: str
    last4: str


@strawberry.type
class ClosureBlocker:
    code: ClosureBlockerCode
    message: str


@strawberry.type
class ClosureStep:
    state: ClosureRequestState
    at: datetime


@strawberry.type
class CustomerClosureRequest:
    id: strawberry.ID
    state: ClosureRequestState
    reason: ClosureRequestReason
    created_at: datetime
    review_reasons: list[ReviewReason]
    review_note: str
    timeline: list[ClosureStep]


@strawberry.type
class OfflineRefund:
    id: strawberry.ID
    status: RefundStatus
    amount: Amount
    payee_name: str
    payee_bank: str
    proposed_by: StaffName
    decided_by: StaffName | None
    load_payee_account: strawberry.Private[Callable[[], Awaitable[str]]]
    payee_account: str = strawberry.field(
        resolver=lambda root: root.load_payee_account(),
        description="In full to agents and supervisors while the refund waits for a decision "
        "(each such read is in the staff audit log); ****1234 to auditors, and "
        "to everyone once decided.",
    )


@strawberry.type
class Customer:
    id: strawberry.ID
    phone_masked: str
    status: CustomerStatus
    legal_hold: bool
    balance: Amount = strawberry.field(description="The available balance.")
    bank_cards: list[CustomerCard]
    blockers: list[ClosureBlocker]
    closure_requests: list[CustomerClosureRequest]
    refunds: list[OfflineRefund]
    certificates: list[CustomerCertificate] = strawberry.field(
        description="Issued at completion (CLOSURE) and at the purge (ERASURE), oldest first."
    )


@strawberry.type
class CustomerRef:
    id: strawberry.ID
    phone_masked: str


@strawberry.type
class ReviewItem:
    id: strawberry.ID
    state: ClosureRequestState
    review_reasons: list[ReviewReason]
    created_at: datetime
    customer: CustomerRef


@strawberry.type
class StaffAuditEntry:
    at: datetime
    action: StaffAuditAction
    reason: str
    customer_id: strawberry.ID | None
    staff: StaffName | None = strawberry.field(description="Null: done on the command line.")


@strawberry.type
class StaffLoginPayload:
    token: str | None = None
    staff: StaffMember | None = None
    errors: list[StaffUserError] = strawberry.field(default_factory=list)


@strawberry.type
class StaffLogoutPayload:
    ok: bool


@strawberry.type
class RevealPhonePayload:
    phone: str | None = None
    errors: list[StaffUserError] = strawberry.field(default_factory=list)


@strawberry.type
class ReviewedRequest:
    id: strawberry.ID
    state: ClosureRequestState


@strawberry.type
class ReviewDecisionPayload:
    request: ReviewedRequest | None = None
    errors: list[StaffUserError] = strawberry.field(default_factory=list)


@strawberry.type
class RefundPayload:
    refund: OfflineRefund | None = None
    errors: list[StaffUserError] = strawberry.field(default_factory=list)


@strawberry.type
class LegalHoldRef:
    id: strawberry.ID
    legal_hold: bool


@strawberry.type
class LegalHoldPayload:
    customer: LegalHoldRef | None = None
    errors: list[StaffUserError] = strawberry.field(default_factory=list)


@strawberry.input
class StaffLoginInput:
    username: str
    password: str
    totp_code: str = strawberry.field(description="The 6 digits of the authenticator app.")


@strawberry.input
class RevealPhoneInput:
    customer_id: strawberry.ID
    reason: str = strawberry.field(description="Required; written to the staff audit log.")


@strawberry.input
class ReviewDecisionInput:
    request_id: strawberry.ID
    note: str = strawberry.field(description="Required: why; the staff audit log keeps it.")


@strawberry.input
class ProposeRefundInput:
    customer_id: strawberry.ID
    payee_name: str
    payee_bank: str
    payee_account: str = strawberry.field(description="Digits only; erased at purge.")
    note: str = ""
    idempotency_key: str


@strawberry.input
class RefundDecisionInput:
    refund_id: strawberry.ID
    note: str = ""


@strawberry.input
class LegalHoldInput:
    customer_id: strawberry.ID
    hold: bool
    reason: str
