from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.account import Account


class ExportFormat(StrEnum):
    JSON = "JSON"
    CSV = "CSV"


class ExportStatus(StrEnum):
    PENDING = "PENDING"
    READY = "READY"
    DOWNLOADED = "DOWNLOADED"
    EXPIRED = "EXPIRED"


class DataExport(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name="exports"
    )
    account_id: UUID
    format = fields.CharEnumField(ExportFormat, max_length=8)
    status = fields.CharEnumField(ExportStatus, default=ExportStatus.PENDING, max_length=16)
    created_at = fields.DatetimeField()
    ready_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField(null=True)
    # The file itself; erased once downloaded or expired.
    content = fields.TextField(null=True)
    downloaded_at = fields.DatetimeField(null=True)

    class Meta:
        table = "data_export"
