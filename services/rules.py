"""The numbers of spec §4, in one place; the server builds them from settings."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Rules:
    code_length: int = 6
    code_lifetime: timedelta = timedelta(minutes=5)
    code_max_attempts: int = 5
    code_resend_after: timedelta = timedelta(seconds=60)
    codes_per_phone_per_day: int = 10
    captcha_length: int = 5
    captcha_lifetime: timedelta = timedelta(minutes=2)
    captchas_per_client_per_minute: int = 30
    password_max_failures: int = 10
    password_failure_window: timedelta = timedelta(minutes=15)
    password_lockout: timedelta = timedelta(minutes=15)
    # Wrong passwords per client address, within the same window (a right one never counts):
    # thousands of customers behind one carrier NAT make typos, and spraying many phones with
    # common passwords still hits this wall.
    password_failures_per_client: int = 300
    session_lifetime: timedelta = timedelta(days=30)
    verified_step_valid_for: timedelta = timedelta(minutes=10)
    request_lifetime: timedelta = timedelta(minutes=30)
    completion_within: timedelta = timedelta(minutes=5)
    # A notice (not a code) is retried this long before it is given up as EXPIRED.
    notice_deadline: timedelta = timedelta(days=2)
    recovery_window: timedelta = timedelta(days=15)
    retention: timedelta = timedelta(days=3653)
    # A closure receipt works until this long after the purge (or the request's end).
    receipt_kept_for: timedelta = timedelta(days=90)
    receipt_reads_per_client_per_minute: int = 60
    # Who signs closure certificates (their `iss`): the operator's name.
    certificate_issuer: str = "wallet-closure"
    support_phone: str = "11185"
    support_hours: str = "8:00–20:00"
    # Review before completion (spec §9): a confirmation that trips one waits for a supervisor.
    review_window: timedelta = timedelta(hours=24)
    review_failed_logins: int = 5
    review_new_device_age: timedelta = timedelta(hours=24)
    review_large_withdrawal_fen: int = 500_000
    # The support desk (spec §10).
    staff_session_lifetime: timedelta = timedelta(hours=12)
    staff_max_failures: int = 5
    staff_failure_window: timedelta = timedelta(minutes=15)
    staff_lockout: timedelta = timedelta(minutes=15)
