"""GraphQL types, inputs and payloads; field names as the mobile contract spells them."""

from collections.abc import Awaitable, Callable
from datetime import datetime

import strawberry

from models import AccountStatus as AccountStatusModel
from models import CertificateKind as CertificateKindModel
from models import ClosureReason as ClosureReasonModel
from models import ClosureState as ClosureStateModel
from models import EntryStatus as EntryStatusModel
from models import ExportFormat as ExportFormatModel
from models import ExportStatus as ExportStatusModel
from models import MovementKind as MovementKindModel
from models import Purpose
from models import WithdrawalStatus as WithdrawalStatusModel
from services.closure.eligibility import BlockerCode as BlockerCodeModel
from services.closure.eligibility import WarningCode as WarningCodeModel
from services.errors import ErrorCode as ErrorCodeModel
from services.records.audit import AuditAction as AuditActionModel

strawberry.enum(ErrorCodeModel, name="ErrorCode", description="Stable codes the apps switch on.")
ErrorCode = ErrorCodeModel
strawberry.enum(AccountStatusModel, name="AccountStatus")
AccountStatus = AccountStatusModel
strawberry.enum(Purpose, name="CaptchaPurpose")
CaptchaPurpose = Purpose
strawberry.enum(AuditActionModel, name="AuditAction")
AuditAction = AuditActionModel


@strawberry.type(description="A business rule said no; `message` is in the request's language.")
class UserError:
    code: ErrorCode
    message: str
    field: str | None = None


@strawberry.type
class Money:
    fen: int
    currency: str
    display: str


@strawberry.type
class AccountRef:
    id: strawberry.ID
    status: AccountStatus


@strawberry.type
class BankCard:
    id: strawberry.ID
    bank_name: str
    last4: str


@strawberry.type(name="Session")
class DeviceSession:
    id: strawberry.ID
    device_name: str
    current: bool
    last_seen_at: datetime


strawberry.enum(WithdrawalStatusModel, name="WithdrawalStatus")
WithdrawalStatus = WithdrawalStatusModel


@strawberry.type
class Withdrawal:
    id: strawberry.ID
    status: WithdrawalStatus
    amount: Money


@strawberry.type
class Account:
    id: strawberry.ID
    phone_masked: str
    status: AccountStatus
    balance: Money = strawberry.field(
        description="The available balance: settled money less pending withdrawals."
    )
    settled_balance: Money = strawberry.field(
        description="Settled money, including what pending withdrawals are taking out."
    )
    bank_cards: list[BankCard]
    sessions: list[DeviceSession]
    load_pending_withdrawals: strawberry.Private[Callable[[], Awaitable[list[Withdrawal]]]]
    pending_withdrawals: list[Withdrawal] = strawberry.field(
        resolver=lambda root: root.load_pending_withdrawals(),
        description="Withdrawals the bank has not answered yet, newest first: the difference "
        "between `settledBalance` and `balance`.",
    )


strawberry.enum(MovementKindModel, name="TransactionKind")
TransactionKind = MovementKindModel
strawberry.enum(EntryStatusModel, name="TransactionStatus")
TransactionStatus = EntryStatusModel


@strawberry.type(description="A movement of the customer's wallet money, newest first.")
class Transaction:
    id: strawberry.ID
    kind: TransactionKind
    status: TransactionStatus = strawberry.field(
        description="PENDING until it settles; VOIDED when it failed (nothing moved)."
    )
    amount: Money = strawberry.field(
        description="Signed, as the wallet sees it: negative when money left it."
    )
    description: str = strawberry.field(description="What it was, in the request's language.")
    created_at: datetime


@strawberry.type
class AuditLogEntry:
    at: datetime
    action: AuditAction
    detail: str


@strawberry.type
class CaptchaPayload:
    captcha_id: strawberry.ID
    image_data_url: str = strawberry.field(description="A PNG as a data: URL.")
    expires_at: datetime


@strawberry.type
class SendCodePayload:
    resend_after_seconds: int = strawberry.field(
        default=0, description="Seconds until another code may be asked for."
    )
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LoginPayload:
    token: str | None = None
    account: AccountRef | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class LogoutAllDevicesPayload:
    revoked_sessions: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SendLoginCodeInput:
    phone: str
    captcha_id: strawberry.ID
    captcha_answer: str


@strawberry.input
class LoginWithCodeInput:
    phone: str
    code: str
    device_name: str = ""


@strawberry.input
class LoginWithPasswordInput:
    phone: str
    password: str
    device_name: str = ""


strawberry.enum(ClosureStateModel, name="ClosureState")
ClosureState = ClosureStateModel
strawberry.enum(ClosureReasonModel, name="ClosureReason")
ClosureReason = ClosureReasonModel
strawberry.enum(BlockerCodeModel, name="BlockerCode")
BlockerCode = BlockerCodeModel
strawberry.enum(WarningCodeModel, name="WarningCode")
WarningCode = WarningCodeModel


@strawberry.type(description="Stops closure; `message` tells how to clear it.")
class Blocker:
    code: BlockerCode
    message: str


@strawberry.type(description="Must be shown to the customer before they confirm.")
class Warning:
    code: WarningCode
    message: str


@strawberry.type
class ClosureRequestRef:
    id: strawberry.ID
    state: ClosureState
    expires_at: datetime
    confirmed_at: datetime | None


@strawberry.type
class TimelineStep:
    state: ClosureState
    at: datetime


@strawberry.type
class ClosureRequest:
    id: strawberry.ID
    state: ClosureState
    reason: ClosureReason
    created_at: datetime
    expires_at: datetime = strawberry.field(description="Unconfirmed after this, it expires.")
    confirmed_at: datetime | None
    completed_at: datetime | None
    recoverable_until: datetime | None
    timeline: list[TimelineStep]


@strawberry.type
class ClosureEligibility:
    can_close: bool
    blockers: list[Blocker]
    warnings: list[Warning]
    recovery_window_days: int
    open_request: ClosureRequestRef | None


@strawberry.type
class StartClosurePayload:
    request: ClosureRequestRef | None = None
    blockers: list[Blocker] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SendClosureCodePayload:
    request: ClosureRequestRef | None = None
    resend_after_seconds: int = 0
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class VerifyClosureIdentityPayload:
    request: ClosureRequestRef | None = None
    warnings: list[Warning] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class ClosureReceipt:
    secret: str
    valid_until: datetime


@strawberry.type
class ClosureRequestPayload:
    request: ClosureRequestRef | None = None
    receipt: ClosureReceipt | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class StartClosureInput:
    reason: ClosureReason
    comment: str = ""
    idempotency_key: str = strawberry.field(
        description="The same key again returns the same request instead of a second one."
    )


@strawberry.input
class SendClosureCodeInput:
    request_id: strawberry.ID
    captcha_id: strawberry.ID
    captcha_answer: str


@strawberry.input
class VerifyClosureIdentityInput:
    request_id: strawberry.ID
    code: str


@strawberry.input
class ConfirmClosureInput:
    request_id: strawberry.ID
    acknowledge_irreversible: bool


@strawberry.input
class CancelClosureInput:
    request_id: strawberry.ID


@strawberry.input
class SendRestoreCodeInput:
    phone: str
    captcha_id: strawberry.ID
    captcha_answer: str


@strawberry.input
class RestoreAccountInput:
    phone: str
    code: str
    device_name: str = ""


strawberry.enum(ExportFormatModel, name="ExportFormat")
ExportFormat = ExportFormatModel
strawberry.enum(ExportStatusModel, name="ExportStatus")
ExportStatus = ExportStatusModel


@strawberry.type
class WithdrawBalancePayload:
    withdrawal: Withdrawal | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DataExport:
    id: strawberry.ID
    status: ExportStatus
    format: ExportFormat
    download_url: str | None = strawberry.field(
        description="One-time link (send the same bearer token); null until READY."
    )
    expires_at: datetime | None


@strawberry.type
class RequestDataExportPayload:
    export: DataExport | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class WithdrawBalanceInput:
    card_id: strawberry.ID
    fen: int | None = strawberry.field(
        default=None, description="Omitted: the whole available balance."
    )
    idempotency_key: str


@strawberry.input
class RequestDataExportInput:
    format: ExportFormat


strawberry.enum(CertificateKindModel, name="CertificateKind")
CertificateKind = CertificateKindModel


@strawberry.type
class Certificate:
    id: strawberry.ID
    kind: CertificateKind
    issued_at: datetime
    verification_code: str
    jws: str
    download_url: str
    pdf_url: str
    revoked_at: datetime | None


@strawberry.type
class ClosureStatus:
    request: ClosureRequest
    certificates: list[Certificate]
    data_export: DataExport | None


@strawberry.type
class CertificateVerification:
    valid: bool
    kind: CertificateKind | None = None
    issued_at: datetime | None = None
    completed_at: datetime | None = None
    purged_at: datetime | None = None
    revoked_at: datetime | None = None
