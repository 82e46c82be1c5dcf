"""GraphQL types, inputs and payloads; field names as the mobile contract spells them."""

from datetime import datetime

import strawberry

from models import AccountStatus as AccountStatusModel
from models import Purpose
from services.audit import AuditAction as AuditActionModel
from services.errors import ErrorCode as ErrorCodeModel

ErrorCode = strawberry.enum(ErrorCodeModel, name="ErrorCode",
                            description="Stable codes the apps switch on.")
AccountStatus = strawberry.enum(AccountStatusModel, name="AccountStatus")
CaptchaPurpose = strawberry.enum(Purpose, name="CaptchaPurpose")
AuditAction = strawberry.enum(AuditActionModel, name="AuditAction")


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


@strawberry.type
class Account:
    id: strawberry.ID
    phone_masked: str
    status: AccountStatus
    balance: Money
    bank_cards: list[BankCard]
    sessions: list[DeviceSession]


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
        description="Seconds until another code may be asked for.")
    errors: list[UserError]


@strawberry.type
class LoginPayload:
    token: str | None
    account: AccountRef | None
    errors: list[UserError]


@strawberry.type
class LogoutPayload:
    errors: list[UserError]


@strawberry.type
class LogoutAllDevicesPayload:
    revoked_sessions: int
    errors: list[UserError]


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
