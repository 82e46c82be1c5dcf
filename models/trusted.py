from tortoise import fields
from tortoise.models import Model


# An app build's persisted documents, registered by the operator (`trusted-documents add`):
# every serve of the deployment runs them in trusted mode, until the version is retired.
class AppManifest(Model):
    id = fields.IntField(primary_key=True)
    app = fields.CharField(max_length=64)
    version = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()
    retired_at = fields.DatetimeField(null=True)
    documents: fields.ReverseRelation["ManifestDocument"]

    class Meta:
        table = "app_manifest"
        unique_together = (("app", "version"),)


class ManifestDocument(Model):
    id = fields.IntField(primary_key=True)
    manifest: fields.ForeignKeyRelation[AppManifest] = fields.ForeignKeyField(
        "models.AppManifest", related_name="documents"
    )
    manifest_id: int
    document_id = fields.CharField(max_length=64, db_index=True)  # SHA-256 of body, hex
    name = fields.CharField(max_length=128)
    body = fields.TextField()

    class Meta:
        table = "manifest_document"
        unique_together = (("manifest_id", "document_id"),)
