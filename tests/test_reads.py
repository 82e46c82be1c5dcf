"""The hot path's hand-written reads (services/database.fetch) go to the driver under
Tortoise's connection outside a transaction, and still never read what a transaction has
not committed (on SQLite, one connection serves both)."""

import asyncio
import contextlib

from tortoise.transactions import in_transaction

from models import BankCard
from services.identity.accounts import cards_and_devices
from services.runtime import Runtime
from tests import factories


class Rollback(Exception):
    pass


async def test_a_read_never_sees_what_a_transaction_has_not_committed(runtime: Runtime) -> None:
    account = await factories.account(runtime, fen=0, card_last4="1111")
    card_written, read_sent = asyncio.Event(), asyncio.Event()

    async def write_then_roll_back() -> None:
        with contextlib.suppress(Rollback):
            async with in_transaction():
                await BankCard.create(
                    account_id=account.id,
                    bank_name="Uncommitted",
                    last4="2222",
                    bound_at=runtime.clock.now(),
                )
                card_written.set()
                await read_sent.wait()
                await asyncio.sleep(0.05)  # the read is on its way while this is open
                raise Rollback

    writer = asyncio.create_task(write_then_roll_back())
    await card_written.wait()
    read = asyncio.create_task(cards_and_devices(runtime, account.id))
    await asyncio.sleep(0)
    read_sent.set()
    await writer

    cards, _ = await read
    assert [card.last4 for card in cards] == ["1111"]
