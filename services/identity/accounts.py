"""Accounts as the customer sees them, and opening one."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from tortoise.transactions import in_transaction

from models import Account
from services.database import fetch, read_time, read_uuid
from services.identity import phones
from services.identity.sessions import Caller
from services.records import audit
from services.runtime import Runtime


@dataclass(frozen=True)
class Card:
    id: UUID
    bank_name: str
    last4: str


@dataclass(frozen=True)
class Device:
    session_id: UUID
    name: str
    last_seen_at: datetime


@dataclass(frozen=True)
class Overview:
    """What the app's home screen shows: read as rows of values (it runs on every launch)."""

    caller: Caller
    cards: list[Card]
    devices: list[Device]


# The live cards (oldest first) and the live sessions (most recently seen first) in one round
# trip: `part` tells them apart, and each part's order column is NULL in the other.
CARDS_AND_DEVICES = """
SELECT 0 AS part, id, bank_name AS name, last4, bound_at, NULL AS last_seen_at
FROM bank_card WHERE account_id = {} AND unbound_at IS NULL
UNION ALL
SELECT 1, id, device_name, NULL, NULL, last_seen_at
FROM session WHERE account_id = {} AND revoked_at IS NULL AND expires_at > {}
ORDER BY part, bound_at, last_seen_at DESC, id
"""


async def cards_and_devices(rt: Runtime, account_id: UUID) -> tuple[list[Card], list[Device]]:
    rows = await fetch(CARDS_AND_DEVICES, account_id, account_id, rt.clock.now())
    cards = [Card(read_uuid(r["id"]), r["name"], r["last4"]) for r in rows if r["part"] == 0]
    devices = [
        Device(read_uuid(r["id"]), r["name"], read_time(r["last_seen_at"]))
        for r in rows
        if r["part"] == 1
    ]
    return cards, devices


async def overview(rt: Runtime, caller: Caller) -> Overview:
    cards, devices = await cards_and_devices(rt, caller.account_id)
    return Overview(caller=caller, cards=cards, devices=devices)


async def open_account(rt: Runtime, *, phone: str, password: str, display_name: str) -> Account:
    now = rt.clock.now()
    password_hash = await rt.passwords.hash(password)
    async with in_transaction():
        account = await Account.create(
            phone=phones.normalize(phone),
            password_hash=password_hash,
            display_name=display_name,
            created_at=now,
        )
        await audit.account_created(rt, account_id=account.id, at=now)
    return account
