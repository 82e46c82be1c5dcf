"""Attempt counters that hold under concurrency: an attempt is counted before it is checked,
under a lock on its key (a PostgreSQL advisory lock across processes; SQLite has one writer),
so that N requests at once count N and no more than the limit are ever checked."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models import PasswordThrottle
from services.database import lock_for_transaction
from services.errors import DomainError
from services.runtime import Runtime


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: timedelta
    lockout: timedelta
    refusal: Callable[[timedelta], DomainError]  # the error, given how long is left


async def reserve(rt: Runtime, key: str, limit: Limit) -> int:
    """Counts one attempt for `key` and returns its number in the window; the limit's
    refusal when the key is locked or the window is full (which locks it)."""
    now = rt.clock.now()
    async with in_transaction() as connection:
        await lock_for_transaction(connection, int(key[:15], 16))
        row = await PasswordThrottle.get_or_none(phone_key=key)
        if row and row.locked_until and row.locked_until > now:
            raise limit.refusal(row.locked_until - now)
        if row is None:
            await PasswordThrottle.create(phone_key=key, failures=1, window_started_at=now)
            return 1
        if now - row.window_started_at > limit.window:
            row.failures, row.window_started_at, row.locked_until = 1, now, None
        elif row.failures >= limit.attempts:
            row.locked_until = now + limit.lockout
            await row.save(update_fields=["locked_until"])
            raise limit.refusal(limit.lockout)
        else:
            row.failures += 1
        await row.save(update_fields=["failures", "window_started_at", "locked_until"])
        return row.failures


async def failed(rt: Runtime, key: str, attempt: int, limit: Limit) -> None:
    """The attempt failed: the last one the window allows locks the key."""
    if attempt >= limit.attempts:
        await PasswordThrottle.filter(phone_key=key).update(
            locked_until=rt.clock.now() + limit.lockout, failures=0)


async def release(key: str) -> None:
    """The attempt succeeded and should not count against the key after all."""
    await PasswordThrottle.filter(phone_key=key, failures__gt=0).update(
        failures=F("failures") - 1)


async def clear(key: str) -> None:
    await PasswordThrottle.filter(phone_key=key).delete()


def minutes(left: timedelta) -> int:
    return max(1, math.ceil(left.total_seconds() / 60))
