"""App builds' persisted documents, registered by the operator (`wallet-closure
trusted-documents add|list|retire`) and stored in the database, so that every `serve` of a
deployment runs an added version within seconds and stops a retired one, with no restart."""

from dataclasses import dataclass
from datetime import datetime

from graphql import GraphQLSchema
from tortoise.transactions import in_transaction

from models import AppManifest, ManifestDocument
from schema import documents

REFRESH_SECONDS = 5.0  # how stale a serve's view of the registered documents may be


@dataclass(frozen=True)
class Version:
    app: str
    version: str
    documents: int
    added_at: datetime
    retired_at: datetime | None


async def add(schema: GraphQLSchema, text: str, *, app: str, version: str, now: datetime) -> int:
    """Registers every document of the manifest, or none (ManifestRefused names the
    operations that do not fit the served schema or the document limits, and why)."""
    found = documents.read_manifest(text, schema)
    if not app.strip() or not version.strip() or len(app) > 64 or len(version) > 64:
        raise documents.ManifestRefused(["--app and --version take 1 to 64 characters"])
    async with in_transaction():
        if await AppManifest.filter(app=app, version=version).exists():
            raise documents.ManifestRefused([f"{app} {version} is registered already"])
        manifest = await AppManifest.create(app=app, version=version, created_at=now)
        unique = {d.id: d for d in found}.values()
        await ManifestDocument.bulk_create(
            [
                ManifestDocument(manifest=manifest, document_id=d.id, name=d.name, body=d.body)
                for d in unique
            ]
        )
    return len(unique)


async def versions() -> list[Version]:
    manifests = await AppManifest.all().order_by("app", "created_at").prefetch_related("documents")
    return [
        Version(m.app, m.version, len(m.documents), m.created_at, m.retired_at) for m in manifests
    ]


async def retire(*, app: str, version: str, now: datetime) -> bool:
    return bool(
        await AppManifest.filter(app=app, version=version, retired_at__isnull=True).update(
            retired_at=now
        )
    )


async def live() -> list[documents.Document]:
    """The documents of every version not retired."""
    rows = await ManifestDocument.filter(manifest__retired_at__isnull=True).values_list(
        "document_id", "name", "body"
    )
    return [documents.Document(*row) for row in rows]
