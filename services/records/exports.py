"""The customer's data (profile, cards, full transaction history) as JSON or CSV, built by
the worker and downloadable through a link for 24 hours (again and again: a download a mobile
network dropped can be retried)."""

import csv
import io
import json
from datetime import timedelta
from enum import StrEnum
from uuid import UUID

from tortoise.transactions import in_transaction

from models import (
    Account,
    BankCard,
    Book,
    DataExport,
    ExportFormat,
    ExportStatus,
    LedgerEntry,
    Withdrawal,
)
from services import currency, locks, validation
from services.errors import DomainError, ErrorCode
from services.records import audit
from services.runtime import Runtime
from services.statemachine import Edge, Machine

ONE_PER = timedelta(hours=1)
LINK_LIFETIME = timedelta(hours=24)
CONTENT_TYPES = {ExportFormat.JSON: "application/json", ExportFormat.CSV: "text/csv; charset=utf-8"}
BATCH = 20


async def request(rt: Runtime, account: Account, export_format: ExportFormat) -> DataExport:
    now = rt.clock.now()
    async with in_transaction():
        await locks.account(account.id)  # two requests at once still make one export
        latest = await DataExport.filter(account_id=account.id).order_by("-created_at").first()
        if latest and (wait := latest.created_at + ONE_PER - now) > timedelta(0):
            raise DomainError(ErrorCode.RATE_LIMITED, seconds=int(wait.total_seconds()) + 1)
        export = await DataExport.create(account=account, format=export_format, created_at=now)
        await audit.data_export_requested(
            rt, account_id=account.id, export_id=export.id, format=export_format.value, at=now
        )
    rt.wake_worker()
    return export


async def find(account_id: UUID, export_id: str) -> DataExport | None:
    found_id = validation.uuid(export_id)
    return await DataExport.get_or_none(id=found_id, account_id=account_id) if (found_id) else None


DOWNLOADABLE = (ExportStatus.READY, ExportStatus.DOWNLOADED)


def link(export: DataExport) -> str | None:
    """The download path, shown while the file can be fetched. It holds no secret (so no
    access log or proxy keeps one): the owner's bearer token, or after confirmation the
    closure receipt, opens it."""
    if export.status not in DOWNLOADABLE:
        return None
    return f"/exports/{export.id}/download"


class ExportEvent(StrEnum):
    BUILD = "BUILD"
    DOWNLOAD = "DOWNLOAD"
    EXPIRE = "EXPIRE"


EXPORT = Machine[ExportStatus, ExportEvent](
    name="data export",
    initial=ExportStatus.PENDING,
    ended=frozenset({ExportStatus.EXPIRED}),
    transitions={
        (ExportStatus.PENDING, ExportEvent.BUILD): Edge(ExportStatus.READY, "the worker"),
        (ExportStatus.READY, ExportEvent.DOWNLOAD): Edge(ExportStatus.DOWNLOADED),
        (ExportStatus.DOWNLOADED, ExportEvent.DOWNLOAD): Edge(
            ExportStatus.DOWNLOADED, "again: a dropped download is retried"
        ),
        (ExportStatus.READY, ExportEvent.EXPIRE): Edge(ExportStatus.EXPIRED, "24 h unused"),
        (ExportStatus.DOWNLOADED, ExportEvent.EXPIRE): Edge(ExportStatus.EXPIRED, "after 24 h"),
    },
)


async def build_due(rt: Runtime) -> int:
    done = 0
    for export in await DataExport.filter(status=ExportStatus.PENDING).limit(BATCH):
        content = await _render(export)
        now = rt.clock.now()
        try:
            await EXPORT.move(
                export,
                ExportEvent.BUILD,
                content=content,
                ready_at=now,
                expires_at=now + LINK_LIFETIME,
            )
        except DomainError:  # another worker built it
            continue
        done += 1
    # The file goes with the link: nothing of it is kept once it can no longer be fetched.
    expired = await EXPORT.move_all(
        DataExport.filter(expires_at__lte=rt.clock.now()), ExportEvent.EXPIRE, content=None
    )
    return done + expired


async def download(rt: Runtime, account_id: UUID, export_id: str) -> tuple[str, str, str]:
    """(content, content type, file name) within the export's 24 hours, each download in the
    security log; NOT_FOUND for anything else."""
    export = await find(account_id, export_id)
    now = rt.clock.now()
    if (
        export is None
        or export.status not in DOWNLOADABLE
        or export.expires_at is None
        or export.expires_at <= now
    ):
        raise DomainError(ErrorCode.NOT_FOUND)
    async with in_transaction():
        content = export.content
        try:
            await EXPORT.move(export, ExportEvent.DOWNLOAD, downloaded_at=now)
        except DomainError:  # expired meanwhile
            raise DomainError(ErrorCode.NOT_FOUND) from None
        await audit.data_export_downloaded(rt, account_id=account_id, export_id=export.id, at=now)
    extension = export.format.value.lower()
    return content or "", CONTENT_TYPES[export.format], f"wallet-export.{extension}"


async def _render(export: DataExport) -> str:
    account = await Account.get(id=export.account_id)
    cards = await BankCard.filter(account_id=account.id).order_by("bound_at")
    entries = await LedgerEntry.filter(account_id=account.id, book=Book.WALLET).order_by("id")
    withdrawal_of = {w.movement_id: w for w in await Withdrawal.filter(account_id=account.id)}
    profile = {
        "id": str(account.id),
        "phone": account.phone,
        "name": account.display_name,
        "status": account.status.value,
        "openedAt": account.created_at.isoformat(),
    }
    card_rows = [
        {
            "id": str(c.id),
            "bank": c.bank_name,
            "last4": c.last4,
            "boundAt": c.bound_at.isoformat(),
            "unboundAt": c.unbound_at.isoformat() if c.unbound_at else None,
        }
        for c in cards
    ]
    transactions = [
        {
            "id": e.id,
            "at": e.created_at.isoformat(),
            "kind": e.kind.value,
            "amountFen": e.amount_fen,
            "amount": currency.display(e.amount_fen),
            "status": e.status.value,
            "withdrawalId": str(withdrawal_of[e.movement_id].id)
            if e.movement_id in withdrawal_of
            else None,
        }
        for e in entries
    ]
    if export.format == ExportFormat.JSON:
        return json.dumps(
            {"profile": profile, "cards": card_rows, "transactions": transactions},
            ensure_ascii=False,
            indent=2,
        )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["record", "id", "at", "kind_or_name", "amount_fen", "amount", "status", "detail"]
    )
    writer.writerow(
        [
            "profile",
            profile["id"],
            profile["openedAt"],
            profile["name"],
            "",
            "",
            profile["status"],
            profile["phone"],
        ]
    )
    for card in card_rows:
        writer.writerow(
            [
                "card",
                card["id"],
                card["boundAt"],
                card["bank"],
                "",
                "",
                "UNBOUND" if card["unboundAt"] else "BOUND",
                f"****{card['last4']}",
            ]
        )
    for t in transactions:
        writer.writerow(
            [
                "transaction",
                t["id"],
                t["at"],
                t["kind"],
                t["amountFen"],
                t["amount"],
                t["status"],
                t["withdrawalId"] or "",
            ]
        )
    return out.getvalue()
