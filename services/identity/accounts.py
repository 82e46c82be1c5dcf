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


LIVE_CARDS = """
SELECT id, bank_name, last4 FROM bank_card
WHERE account_id = {} AND unbound_at IS NULL ORDER BY bound_at
"""
LIVE_DEVICES = """
SELECT id, device_name, last_seen_at FROM session
WHERE account_id = {} AND revoked_at IS NULL AND expires_at > {}
ORDER BY last_seen_at DESC, id
"""


async def overview(rt: Runtime, caller: Caller) -> Overview:
    cards = await fetch(LIVE_CARDS, caller.account_id)
    devices = await fetch(LIVE_DEVICES, caller.account_id, rt.clock.now())
    return Overview(
        caller=caller,
        cards=[Card(read_uuid(c["id"]), c["bank_name"], c["last4"]) for c in cards],
        devices=[
            Device(read_uuid(d["id"]), d["device_name"], read_time(d["last_seen_at"]))
            for d in devices
        ],
    )


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
