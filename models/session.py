from uuid import uuid4

from tortoise import fields
from tortoise.models import Model


class Session(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    account = fields.ForeignKeyField("models.Account", related_name="sessions")
    # HMAC of the bearer token; the token itself is never stored.
    token_hash = fields.CharField(max_length=64, unique=True)
    device_name = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "session"
