from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.account import Account


class ClosureState(StrEnum):
    STARTED = "STARTED"
    CODE_SENT = "CODE_SENT"
    VERIFIED = "VERIFIED"
    UNDER_REVIEW = "UNDER_REVIEW"
    CONFIRMED = "CONFIRMED"
    COMPLETED = "COMPLETED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    REJECTED = "REJECTED"
    RESTORED = "RESTORED"


class ClosureReason(StrEnum):
    NO_LONGER_USED = "NO_LONGER_USED"
    PRIVACY = "PRIVACY"
    SWITCHING_PROVIDER = "SWITCHING_PROVIDER"
    OTHER = "OTHER"


class ClosureRequest(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name="closure_requests"
    )
    account_id: UUID
    state = fields.CharEnumField(ClosureState, max_length=16, db_index=True)
    reason = fields.CharEnumField(ClosureReason, max_length=24)
    comment = fields.CharField(max_length=500, default="")
    idempotency_key = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    verified_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    recoverable_until = fields.DatetimeField(null=True)
    recovery_notice_sent_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    # The review rules that fired at confirmation (codes; shown to staff, never the customer).
    review_reasons: fields.JSONField[list[str]] = fields.JSONField(default=list)
    review_note = fields.CharField(max_length=500, default="")
    # The receipt handed out at confirmation: only its HMAC is kept; a restore revokes it.
    receipt_hash = fields.CharField(max_length=64, null=True, unique=True)
    receipt_revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "closure_request"
        unique_together = (("account_id", "idempotency_key"),)


# One row per state a request entered: the timeline the app shows.
class ClosureStep(Model):
    id = fields.BigIntField(primary_key=True)
    request: fields.ForeignKeyRelation["ClosureRequest"] = fields.ForeignKeyField(
        "models.ClosureRequest", related_name="steps"
    )
    request_id: UUID
    state = fields.CharEnumField(ClosureState, max_length=16)
    at = fields.DatetimeField()

    class Meta:
        table = "closure_step"
