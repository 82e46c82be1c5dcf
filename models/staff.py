from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from tortoise import fields
from tortoise.models import Model

from models.audit import ChainedEntry

if TYPE_CHECKING:
    from models.account import Account


class StaffRole(StrEnum):
    AGENT = "AGENT"
    SUPERVISOR = "SUPERVISOR"
    AUDITOR = "AUDITOR"


# Made and disabled on the command line only, never over the API.
class StaffUser(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    username = fields.CharField(max_length=32, unique=True)
    password_hash = fields.CharField(max_length=255)
    # The TOTP secret, encrypted with a key derived from WALLET_SECRET_KEY.
    totp_secret_encrypted = fields.CharField(max_length=255)
    # The last 30-second step a code was accepted for: a code works once.
    last_totp_step = fields.BigIntField(default=0)
    role = fields.CharEnumField(StaffRole, max_length=16)
    created_at = fields.DatetimeField()
    disabled_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_user"


class StaffSession(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    staff: fields.ForeignKeyRelation["StaffUser"] = fields.ForeignKeyField(
        "models.StaffUser", related_name="sessions"
    )
    staff_id: UUID
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "staff_session"


class RefundStatus(StrEnum):
    PROPOSED = "PROPOSED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


# Maker-checker: the checker decides on what the maker stored, never on a re-sent amount.
class OfflineRefund(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name="offline_refunds"
    )
    account_id: UUID
    status = fields.CharEnumField(RefundStatus, max_length=16, db_index=True)
    amount_fen = fields.BigIntField()
    payee_name = fields.CharField(max_length=64)
    payee_bank = fields.CharField(max_length=64)
    # Personal data: shown in full only until the decision, erased at purge.
    payee_account = fields.CharField(max_length=34)
    note = fields.CharField(max_length=500, default="")
    idempotency_key = fields.CharField(max_length=64)
    proposed_by: fields.ForeignKeyRelation["StaffUser"] = fields.ForeignKeyField(
        "models.StaffUser", related_name="refunds_proposed"
    )
    proposed_by_id: UUID
    created_at = fields.DatetimeField()
    decided_by: fields.ForeignKeyNullableRelation["StaffUser"] = fields.ForeignKeyField(
        "models.StaffUser", related_name="refunds_decided", null=True
    )
    decided_by_id: UUID | None
    decided_at = fields.DatetimeField(null=True)
    decision_note = fields.CharField(max_length=500, default="")
    movement_id = fields.UUIDField(null=True)

    class Meta:
        table = "offline_refund"
        unique_together = (("account_id", "idempotency_key"),)


# Who looked at or changed what, chained like the customer audit log; the actor (staff id
# and role) and the reason are inside the hashed body.
class StaffAuditEntry(ChainedEntry):
    class Meta:
        table = "staff_audit_entry"
