from typing import Any

from tortoise import fields
from tortoise.models import Model


# Append-only and hash-chained; refers to the account by id only, so it outlives purge.
class ChainedEntry(Model):
    id = fields.BigIntField(primary_key=True)
    seq = fields.BigIntField(unique=True)
    at = fields.DatetimeField()
    account_id = fields.UUIDField(null=True, db_index=True)
    action = fields.CharField(max_length=40)
    data: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        abstract = True


# The customer's audit log: what `securityLog` shows.
class AuditEntry(ChainedEntry):
    class Meta:
        table = "audit_entry"
        indexes = (("account_id", "seq"),)  # the security log, newest first, page by page
