"""The append-only, hash-chained audit log: one function per event, one enum of their types."""

import hashlib
import hmac
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar
from uuid import UUID

import orjson
from tortoise.transactions import in_transaction

from models import AuditEntry, StaffAuditEntry
from services import currency, paging
from services.database import fetch, lock_for_transaction, read_time
from services.messages import message
from services.paging import Page
from services.runtime import Runtime

GENESIS = "0" * 64
Entry = TypeVar("Entry", AuditEntry, StaffAuditEntry)
# One lock for both chains keeps the one lock order (account, request, audit) simple.
_CHAIN_LOCK = zlib.crc32(b"wallet-closure audit chain")


class AuditAction(StrEnum):
    ACCOUNT_CREATED = "ACCOUNT_CREATED"
    LOGIN_SUCCEEDED = "LOGIN_SUCCEEDED"
    LOGOUT = "LOGOUT"
    LOGOUT_ALL = "LOGOUT_ALL"
    CLOSURE_STARTED = "CLOSURE_STARTED"
    CLOSURE_CODE_SENT = "CLOSURE_CODE_SENT"
    CLOSURE_VERIFIED = "CLOSURE_VERIFIED"
    CLOSURE_UNDER_REVIEW = "CLOSURE_UNDER_REVIEW"
    CLOSURE_CONFIRMED = "CLOSURE_CONFIRMED"
    CLOSURE_REJECTED = "CLOSURE_REJECTED"
    CLOSURE_COMPLETED = "CLOSURE_COMPLETED"
    CLOSURE_CANCELLED = "CLOSURE_CANCELLED"
    CLOSURE_EXPIRED = "CLOSURE_EXPIRED"
    CLOSURE_RESTORED = "CLOSURE_RESTORED"
    ACCOUNT_PURGED = "ACCOUNT_PURGED"
    WITHDRAWAL_REQUESTED = "WITHDRAWAL_REQUESTED"
    WITHDRAWAL_SETTLED = "WITHDRAWAL_SETTLED"
    WITHDRAWAL_FAILED = "WITHDRAWAL_FAILED"
    DATA_EXPORT_REQUESTED = "DATA_EXPORT_REQUESTED"
    DATA_EXPORT_DOWNLOADED = "DATA_EXPORT_DOWNLOADED"


class LoginMethod(StrEnum):
    PASSWORD = "PASSWORD"  # noqa: S105 - a login method, not a secret
    SMS_CODE = "SMS_CODE"


def entry_hash(
    secret: bytes,
    *,
    seq: int,
    at: datetime,
    account_id: UUID | None,
    action: str,
    data: dict[str, Any],
    prev_hash: str,
) -> str:
    # Keyed: whoever can write the database but lacks WALLET_SECRET_KEY cannot forge a
    # consistent chain after editing an entry.
    body = json.dumps(
        [
            seq,
            at.astimezone(UTC).isoformat(),
            str(account_id) if account_id else None,
            action,
            data,
            prev_hash,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()


async def append(
    rt: Runtime,
    chain: type[Entry],
    action: StrEnum,
    *,
    account_id: UUID | None,
    at: datetime,
    data: dict[str, Any],
) -> Entry:
    """The next entry of `chain`, inside the caller's transaction when there is one, so that
    it commits with the change it records."""
    async with in_transaction() as connection:
        await lock_for_transaction(connection, _CHAIN_LOCK)
        last = await chain.all().order_by("-seq").first().values_list("seq", "hash")
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        at = at.astimezone(UTC)  # hashed exactly as it reads back
        return await chain.create(
            seq=seq,
            at=at,
            account_id=account_id,
            action=action.value,
            data=data,
            prev_hash=prev_hash,
            hash=entry_hash(
                rt.secret,
                seq=seq,
                at=at,
                account_id=account_id,
                action=action.value,
                data=data,
                prev_hash=prev_hash,
            ),
        )


async def _append(
    rt: Runtime, action: AuditAction, *, account_id: UUID | None, at: datetime, **data: Any
) -> AuditEntry:
    return await append(rt, AuditEntry, action, account_id=account_id, at=at, data=data)


async def account_created(rt: Runtime, *, account_id: UUID, at: datetime) -> AuditEntry:
    return await _append(rt, AuditAction.ACCOUNT_CREATED, account_id=account_id, at=at)


async def login_succeeded(
    rt: Runtime, *, account_id: UUID, method: LoginMethod, at: datetime
) -> AuditEntry:
    return await _append(
        rt, AuditAction.LOGIN_SUCCEEDED, account_id=account_id, at=at, method=method.value
    )


async def logged_out(rt: Runtime, *, account_id: UUID, at: datetime) -> AuditEntry:
    return await _append(rt, AuditAction.LOGOUT, account_id=account_id, at=at)


async def logged_out_everywhere(
    rt: Runtime, *, account_id: UUID, sessions: int, at: datetime
) -> AuditEntry:
    return await _append(
        rt, AuditAction.LOGOUT_ALL, account_id=account_id, at=at, sessions=sessions
    )


async def closure_moved(
    rt: Runtime, *, account_id: UUID, request_id: UUID, state: str, at: datetime
) -> AuditEntry:
    return await _append(
        rt, AuditAction(f"CLOSURE_{state}"), account_id=account_id, at=at, request=str(request_id)
    )


async def account_purged(rt: Runtime, *, account_id: UUID, at: datetime) -> AuditEntry:
    return await _append(rt, AuditAction.ACCOUNT_PURGED, account_id=account_id, at=at)


async def withdrawal_requested(
    rt: Runtime, *, account_id: UUID, withdrawal_id: UUID, fen: int, at: datetime
) -> AuditEntry:
    return await _append(
        rt,
        AuditAction.WITHDRAWAL_REQUESTED,
        account_id=account_id,
        at=at,
        withdrawal=str(withdrawal_id),
        fen=fen,
    )


async def withdrawal_ended(
    rt: Runtime, *, account_id: UUID, withdrawal_id: UUID, settled: bool, fen: int, at: datetime
) -> AuditEntry:
    action = AuditAction.WITHDRAWAL_SETTLED if settled else AuditAction.WITHDRAWAL_FAILED
    return await _append(
        rt, action, account_id=account_id, at=at, withdrawal=str(withdrawal_id), fen=fen
    )


async def data_export_requested(
    rt: Runtime, *, account_id: UUID, export_id: UUID, format: str, at: datetime
) -> AuditEntry:
    return await _append(
        rt,
        AuditAction.DATA_EXPORT_REQUESTED,
        account_id=account_id,
        at=at,
        export=str(export_id),
        format=format,
    )


async def data_export_downloaded(
    rt: Runtime, *, account_id: UUID, export_id: UUID, at: datetime
) -> AuditEntry:
    return await _append(
        rt, AuditAction.DATA_EXPORT_DOWNLOADED, account_id=account_id, at=at, export=str(export_id)
    )


def describe(action: str, data: Mapping[str, Any], lang: str) -> str:
    """An entry as the customer reads it in their security log."""
    params = dict(data)
    if "method" in params:
        params["method"] = message(f"METHOD_{params['method']}", lang)
    if "fen" in params:
        params["amount"] = currency.display(params["fen"])
    return message(f"AUDIT_{action}", lang, **params)


NEWEST_ENTRIES = """
SELECT seq, at, action, data FROM audit_entry
WHERE account_id = {} AND seq < {} ORDER BY seq DESC LIMIT {}
"""
BEYOND_EVERY_SEQ = 2**63 - 1


@dataclass(frozen=True)
class LogLine:
    """An entry of a customer's security log, as the log shows it."""

    seq: int
    at: datetime
    action: str
    data: dict[str, Any]


async def page(account_id: UUID, *, first: int | None, after: str | None) -> Page[LogLine]:
    """The customer's security log, newest first (a read of every `securityLog` request, so
    hand-written: no model objects)."""
    first, before = paging.window("audit", first, after)
    rows = await fetch(
        NEWEST_ENTRIES, account_id, BEYOND_EVERY_SEQ if before is None else before, first + 1
    )
    lines = [
        LogLine(row["seq"], read_time(row["at"]), row["action"], orjson.loads(row["data"]))
        for row in rows
    ]
    return paging.page_of(lines, lambda line: line.seq, list_name="audit", first=first)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    problem: str


@dataclass(frozen=True)
class Verification:
    breaks: list[ChainBreak]
    head: tuple[int, str] | None  # the last entry: record it elsewhere to anchor the chain


async def verify_chain(
    secret: bytes,
    *,
    anchor: tuple[int, str] | None = None,
    batch: int = 1000,
    chain: type[AuditEntry] | type[StaffAuditEntry] = AuditEntry,
) -> Verification:
    """Every place where the stored chain is not what was appended: edited, removed,
    reordered. Entries removed from the end are found only against an `anchor`, a head
    recorded earlier (seq and hash)."""
    breaks: list[ChainBreak] = []
    expected_prev, expected_seq, last_id = GENESIS, 1, 0
    anchored = anchor is None
    while entries := await chain.filter(id__gt=last_id).order_by("id").limit(batch):
        for entry in entries:
            if entry.seq != expected_seq:
                breaks.append(ChainBreak(entry.seq, f"expected entry {expected_seq} here"))
            if entry.prev_hash != expected_prev:
                breaks.append(ChainBreak(entry.seq, "does not follow the entry before it"))
            recomputed = entry_hash(
                secret,
                seq=entry.seq,
                at=entry.at,
                account_id=entry.account_id,
                action=entry.action,
                data=entry.data,
                prev_hash=entry.prev_hash,
            )
            if recomputed != entry.hash:
                breaks.append(ChainBreak(entry.seq, "was changed after it was written"))
            anchored = anchored or (entry.seq, entry.hash) == anchor
            expected_prev, expected_seq, last_id = entry.hash, entry.seq + 1, entry.id
    if not anchored:
        assert anchor is not None
        breaks.append(ChainBreak(anchor[0], "the anchored entry is gone or different"))
    head = (expected_seq - 1, expected_prev) if expected_seq > 1 else None
    return Verification(breaks, head)
