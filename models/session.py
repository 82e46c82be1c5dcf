from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.account import Account


class Session(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    account: fields.ForeignKeyRelation["Account"] = fields.ForeignKeyField(
        "models.Account", related_name="sessions"
    )
    account_id: UUID
    # HMAC of the bearer token; the token itself is never stored.
    token_hash = fields.CharField(max_length=64, unique=True)
    device_name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "session"
        indexes = (("account_id",),)
