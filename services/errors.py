from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_PHONE = "INVALID_PHONE"
    CAPTCHA_INVALID = "CAPTCHA_INVALID"
    CODE_INVALID = "CODE_INVALID"
    CODE_EXPIRED = "CODE_EXPIRED"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    RATE_LIMITED = "RATE_LIMITED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    ACCOUNT_NOT_ACTIVE = "ACCOUNT_NOT_ACTIVE"
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    ACKNOWLEDGEMENT_REQUIRED = "ACKNOWLEDGEMENT_REQUIRED"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"
    RECOVERY_WINDOW_PASSED = "RECOVERY_WINDOW_PASSED"
    VERIFICATION_EXPIRED = "VERIFICATION_EXPIRED"


class StaffErrorCode(StrEnum):
    """The support desk's codes: its own enum, so that the apps' ErrorCode never grows by a
    staff change."""

    INVALID_INPUT = "INVALID_INPUT"
    INVALID_PHONE = "INVALID_PHONE"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOTP_INVALID = "TOTP_INVALID"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    REASON_REQUIRED = "REASON_REQUIRED"
    SELF_APPROVAL = "SELF_APPROVAL"
    NOTHING_TO_REFUND = "NOTHING_TO_REFUND"
    RATE_LIMITED = "RATE_LIMITED"
    INSUFFICIENT_BALANCE = "INSUFFICIENT_BALANCE"


class DomainError(Exception):
    """A business rule said no; the API turns it into `errors { code message field }`."""

    def __init__(
        self,
        code: ErrorCode | StaffErrorCode,
        field: str | None = None,
        *,
        message_key: str | None = None,
        **params: Any,
    ) -> None:
        super().__init__(code.value)
        self.code = code
        self.field = field
        self.params = params
        # The catalogue entry that says it best; the code's own entry unless given.
        self.message_key = message_key or code.value
