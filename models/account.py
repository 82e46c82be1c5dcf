from enum import StrEnum
from uuid import UUID, uuid4

from tortoise import fields
from tortoise.models import Model


class AccountStatus(StrEnum):
    ACTIVE = "ACTIVE"
    CLOSING = "CLOSING"
    CLOSED = "CLOSED"
    PURGED = "PURGED"


class Account(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    # E.164; null once purged, so that the number is free again.
    phone = fields.CharField(max_length=20, null=True, unique=True)
    display_name = fields.CharField(max_length=64, default="")
    password_hash = fields.CharField(max_length=255, null=True)
    status = fields.CharEnumField(AccountStatus, default=AccountStatus.ACTIVE, max_length=16)
    locale = fields.CharField(max_length=8, default="zh-CN")
    created_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    purged_at = fields.DatetimeField(null=True)
    # Keeps the financial records past the retention period (a court or regulator asked).
    legal_hold = fields.BooleanField(default=False)

    class Meta:
        table = "account"


class BankCard(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name="cards"
    )
    account_id: UUID
    bank_name = fields.CharField(max_length=64)
    # Only the last four digits are ever stored; the full number stays with the bank.
    last4 = fields.CharField(max_length=4)
    bound_at = fields.DatetimeField()
    unbound_at = fields.DatetimeField(null=True)

    class Meta:
        table = "bank_card"
        indexes = (("account_id",),)


class AutoPayAgreement(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name="auto_pay_agreements"
    )
    account_id: UUID
    merchant = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auto_pay_agreement"
        indexes = (("account_id",),)
