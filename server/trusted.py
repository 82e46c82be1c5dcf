"""Which documents the apps' endpoint runs: the contract's, and app builds' persisted
documents registered by the operator (`wallet-closure trusted-documents add|list|retire`)
and stored in the database, so that every `serve` of a deployment runs an added version
within seconds and stops a retired one, with no restart; outside trusted mode, any document
and Apollo's automatic persisted queries."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graphql import GraphQLSchema
from tortoise.transactions import in_transaction

from models import AppManifest, ManifestDocument
from schema import documents, limits
from server.prepared import PreparedOperations
from server.refusals import RefusalCode, Refused

REFRESH_SECONDS = 5.0  # how stale a serve's view of the registered documents may be
log = logging.getLogger("wallet.graphql")


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


class AppDocuments:
    """What a request to the apps' endpoint may run, decided once per request (`resolve`),
    and the registered documents as the database has them (`refresh`)."""

    def __init__(self, *, trusted_only: bool) -> None:
        self.trusted_only = trusted_only
        self.contract = documents.trusted()
        self.trusted = documents.Trusted(self.contract)
        self.registered = documents.Registered()  # APQ, outside trusted mode
        self.refreshed_at = -REFRESH_SECONDS
        limits.operation_label.trusted = frozenset(
            op["name"] for op in documents.manifest_operations()
        )

    async def refresh(self, prepared: PreparedOperations) -> None:
        """Every few seconds, the app builds' registered documents as the database has them
        now, each prepared on `prepared` (added and retired by `trusted-documents`)."""
        now = time.monotonic()
        if now - self.refreshed_at < REFRESH_SECONDS:
            return
        self.refreshed_at = now
        try:
            registered = await live()
        except Exception as error:  # the database is briefly gone: keep what was trusted
            log.warning("registered documents not refreshed: %s", type(error).__name__)
            return
        by_id = {**self.contract, **{d.id: d.body for d in registered}}
        if by_id.keys() == self.trusted.by_id.keys():
            return
        for document in registered:
            try:
                prepared.prepare(document.body)
            except ValueError as error:  # registered against an older schema
                log.warning("registered document %s no longer fits: %s", document.name, error)
                by_id.pop(document.id)
        self.trusted = documents.Trusted(by_id)
        limits.operation_label.trusted = frozenset(
            {op["name"] for op in documents.manifest_operations()} | {d.name for d in registered}
        )

    def resolve(self, request: dict[str, Any]) -> None:
        """Trusted documents (production) and Apollo's automatic persisted queries. A request
        names its document by `extensions.persistedQuery.sha256Hash` (Apollo), by
        `documentId` (`sha256:<hex>` or hex: GraphQL over HTTP, GraphQL Code Generator), or
        by its text, which is a trusted document whatever its white space, commas and
        comments; the body is looked up and put in `query`."""
        extensions = request.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        digest = digest if digest is not None else request.get("documentId")
        query = request.get("query")
        if digest is not None and not isinstance(digest, str):
            raise Refused(400, RefusalCode.BAD_REQUEST, "A document id must be a string.")
        digest = documents.digest_of(digest) if digest else None
        if digest and isinstance(query, str) and query:
            if documents.sha256(query) != digest:
                raise Refused(
                    400,
                    RefusalCode.PERSISTED_QUERY_HASH_MISMATCH,
                    "sha256Hash is not the SHA-256 of the query.",
                )
            if not self.trusted_only:
                self.registered.add(digest, query)
        elif digest:
            query = self.trusted.by_id.get(digest) or (
                None if self.trusted_only else self.registered.get(digest)
            )
            if query is None:
                if self.trusted_only:
                    raise Refused(
                        400,
                        RefusalCode.PERSISTED_QUERY_NOT_IN_LIST,
                        "This server runs only the apps' trusted documents.",
                    )
                raise Refused(
                    200, RefusalCode.PERSISTED_QUERY_NOT_FOUND, "PersistedQueryNotFound"
                )  # Apollo's clients compare this
            request["query"] = query
        if isinstance(query, str) and query:
            found = self.trusted.find(query)
            if found is not None:
                request["query"] = found  # and so it runs prepared
            elif self.trusted_only:
                raise Refused(
                    400,
                    RefusalCode.PERSISTED_QUERY_NOT_IN_LIST,
                    "This server runs only the apps' trusted documents.",
                )
