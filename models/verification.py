from enum import StrEnum
from uuid import uuid4

from tortoise import fields
from tortoise.models import Model


class ChallengeKind(StrEnum):
    CAPTCHA = "CAPTCHA"
    SMS_CODE = "SMS_CODE"


class Purpose(StrEnum):
    LOGIN = "LOGIN"
    CLOSURE = "CLOSURE"
    RESTORE = "RESTORE"


# A captcha or a one-time SMS code; only an HMAC of the answer is kept.
class Challenge(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    kind = fields.CharEnumField(ChallengeKind, max_length=16)
    purpose = fields.CharEnumField(Purpose, max_length=16)
    # HMAC of the phone number: rate limits per phone without keeping the number.
    phone_key = fields.CharField(max_length=64, null=True, db_index=True)
    account_id = fields.UUIDField(null=True)
    # HMAC of the client address that asked for a captcha: captchas are rate-limited per client.
    client_key = fields.CharField(max_length=64, null=True, db_index=True)
    answer_hash = fields.CharField(max_length=64)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    consumed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "challenge"


# Failed password logins per phone, kept for unknown numbers too.
class PasswordThrottle(Model):
    phone_key = fields.CharField(max_length=64, primary_key=True)
    failures = fields.IntField(default=0)
    window_started_at = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "password_throttle"


# A failed password or code login, by phone key: what the RECENT_FAILED_LOGINS review
# rule counts. Kept a day.
class FailedLogin(Model):
    id = fields.BigIntField(primary_key=True)
    phone_key = fields.CharField(max_length=64, db_index=True)
    at = fields.DatetimeField()

    class Meta:
        table = "failed_login"
