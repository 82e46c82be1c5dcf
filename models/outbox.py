from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OutboxStatus(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"  # nobody to send it to (the number was erased with its account)
    EXPIRED = "EXPIRED"  # not delivered before its deadline: too late to be of use


class OutboxMessage(Model):
    id = fields.BigIntField(primary_key=True)
    account_id = fields.UUIDField(null=True, db_index=True)
    to_phone = fields.CharField(max_length=20, null=True)
    purpose = fields.CharField(max_length=32)
    text = fields.TextField()
    # Only for one-time codes, and erased once delivered.
    code = fields.CharField(max_length=12, null=True)
    status = fields.CharEnumField(OutboxStatus, default=OutboxStatus.PENDING, max_length=16)
    attempts = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    next_attempt_at = fields.DatetimeField()
    # Retried until delivered or this passes (a code's own lifetime; days for a notice);
    # null: no deadline (messages queued before deadlines existed).
    deadline_at = fields.DatetimeField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "outbox_message"
        indexes = (("status", "next_attempt_at"),)
