"""Keyed hashes for codes, tokens and phone keys, and argon2id password hashes."""

import asyncio
import hashlib
import hmac
import os
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.errors import DomainError, ErrorCode

T = TypeVar("T")
_hasher = PasswordHasher()
# Verified when the phone has no account, so that both answers take as long.
_DUMMY_HASH = _hasher.hash("no account has this password")


def keyed_hash(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class _Gate:
    """At most `running` argon2 computations at once (each takes ~64 MiB and a core for a
    while), at most `waiting` queued behind them; a login flood is refused, not absorbed."""

    def __init__(self, running: int, waiting: int) -> None:
        self.running, self.waiting = running, waiting
        self._queued = 0
        self._slots: asyncio.Semaphore | None = None

    async def run(self, work: Callable[[], T]) -> T:
        if self._queued >= self.running + self.waiting:
            raise DomainError(ErrorCode.RATE_LIMITED, seconds=1)
        self._slots = self._slots or asyncio.Semaphore(self.running)
        self._queued += 1
        try:
            async with self._slots:
                return await asyncio.to_thread(work)
        finally:
            self._queued -= 1


ARGON2 = _Gate(running=max(1, (os.cpu_count() or 2) - 1), waiting=32)


async def hash_password(password: str) -> str:
    return await ARGON2.run(lambda: _hasher.hash(password))


async def verify_password(password_hash: str | None, password: str) -> bool:
    """RATE_LIMITED when too many checks are already queued."""
    def check() -> bool:
        try:
            return _hasher.verify(password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False

    return await ARGON2.run(check) and password_hash is not None
