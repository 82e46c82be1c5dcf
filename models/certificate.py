from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.closure import ClosureRequest


class CertificateKind(StrEnum):
    CLOSURE = "CLOSURE"
    ERASURE = "ERASURE"


# A signed statement handed to the customer. Nothing personal: its claims name the account by
# a pseudonymous reference, so it is kept as it is after the purge, for verification.
class Certificate(Model):
    id = fields.UUIDField(primary_key=True, default=uuid4)
    request: fields.ForeignKeyRelation["ClosureRequest"] = fields.ForeignKeyField(
        "models.ClosureRequest", related_name="certificates"
    )
    request_id: UUID
    account_id = fields.UUIDField()
    kind = fields.CharEnumField(CertificateKind, max_length=16)
    verification_code = fields.CharField(max_length=16, unique=True)
    key_id = fields.CharField(max_length=64)
    jws = fields.TextField()
    issued_at = fields.DatetimeField()
    completed_at = fields.DatetimeField()
    purged_at = fields.DatetimeField(null=True)
    # A restore inside the window takes the closure back, and with it its certificate.
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "certificate"
        unique_together = (("request_id", "kind"),)
        indexes = (("account_id",),)


# An Ed25519 key that signs certificates; the newest one not retired signs, and every public
# key stays published so that every certificate issued stays verifiable.
class SigningKey(Model):
    id = fields.CharField(max_length=64, primary_key=True)  # the JWK thumbprint: the `kid`
    private_key_encrypted = fields.TextField()
    public_key = fields.CharField(max_length=64)  # raw, base64url: the JWK's `x`
    created_at = fields.DatetimeField()
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "signing_key"
