"""Attempt counters that hold under concurrency: an attempt is counted before it is checked,
under a lock on its key (a PostgreSQL advisory lock across processes; SQLite has one writer),
so that N requests at once count N and no more than the limit are ever checked."""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from models import PasswordThrottle
from services.crypto import keyed_hash
from services.database import lock_for_transaction
from services.errors import DomainError, ErrorCode
from services.runtime import Runtime


@dataclass(frozen=True)
class Limit:
    attempts: int
    window: timedelta
    lockout: timedelta
    refusal: Callable[[timedelta], DomainError]  # the error, given how long is left


@dataclass(frozen=True)
class Attempt:
    """One counted attempt and its number in the window."""

    key: str
    number: int


async def reserve(rt: Runtime, key: str, limit: Limit) -> Attempt:
    """Counts one attempt for `key` before it is checked, so that N at once count N; the
    limit's refusal when the key is locked or the window is full (which locks it)."""
    async with in_transaction() as connection:
        await lock_for_transaction(connection, _lock_id(key))
        return Attempt(key, await _count(rt, key, limit))


async def failed(rt: Runtime, attempt: Attempt, limit: Limit) -> None:
    """The attempt failed: the last one the window allows locks the key."""
    if attempt.number >= limit.attempts:
        async with in_transaction() as connection:
            await lock_for_transaction(connection, _lock_id(attempt.key))
            await PasswordThrottle.filter(phone_key=attempt.key).update(
                locked_until=rt.clock.now() + limit.lockout, failures=0
            )


async def refuse_if_locked(rt: Runtime, key: str, limit: Limit) -> None:
    """For a limit that counts failures only (`count_failure`): the refusal while locked."""
    row = await PasswordThrottle.get_or_none(phone_key=key)
    if row and row.locked_until and row.locked_until > rt.clock.now():
        raise limit.refusal(row.locked_until - rt.clock.now())


async def count_failure(rt: Runtime, key: str, limit: Limit) -> None:
    """One failure for `key`, under its lock like every change of the counter; the one that
    fills the window locks the key. Attempts that succeed are never counted."""
    async with in_transaction() as connection:
        await lock_for_transaction(connection, _lock_id(key))
        try:
            number = await _count(rt, key, limit)
        except DomainError:  # locked meanwhile
            return
        if number >= limit.attempts:
            await PasswordThrottle.filter(phone_key=key).update(
                locked_until=rt.clock.now() + limit.lockout, failures=0
            )


async def per_minute(rt: Runtime, purpose: str, client: str, calls: int) -> None:
    """RATE_LIMITED past `calls` a minute from one client address (every call counts)."""
    await reserve(
        rt,
        keyed_hash(rt.secret, purpose, client),
        Limit(
            calls,
            timedelta(minutes=1),
            timedelta(minutes=1),
            lambda left: DomainError(
                ErrorCode.RATE_LIMITED, seconds=math.ceil(left.total_seconds())
            ),
        ),
    )


async def _count(rt: Runtime, key: str, limit: Limit) -> int:
    """Inside the key's lock: one more in the window, or the refusal."""
    now = rt.clock.now()
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


async def clear(key: str) -> None:
    await PasswordThrottle.filter(phone_key=key).delete()


def minutes(left: timedelta) -> int:
    return max(1, math.ceil(left.total_seconds() / 60))


def _lock_id(key: str) -> int:
    return int(key[:15], 16)
