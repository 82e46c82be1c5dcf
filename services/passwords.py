"""argon2id password hashes, with the parameters the runtime carries (tests use cheap ones)."""

import asyncio
import os
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.errors import DomainError, ErrorCode

T = TypeVar("T")


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


class Passwords:
    """Hashes and checks passwords; argon2-cffi's recommended parameters unless given others.
    A hash keeps its own parameters, so a check works whatever hasher made it."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # Checked when the phone or username is unknown, so that both answers take as long.
        self._dummy_hash = self._hasher.hash("no account has this password")

    @classmethod
    def cheap(cls) -> "Passwords":
        """For tests: the same algorithm at a fraction of the cost."""
        return cls(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))

    async def hash(self, password: str) -> str:
        return await ARGON2.run(lambda: self._hasher.hash(password))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """False for a wrong password or none to check; RATE_LIMITED when too many checks are
        already queued."""

        def check() -> bool:
            try:
                return self._hasher.verify(password_hash or self._dummy_hash, password)
            except (VerificationError, InvalidHashError):
                return False

        return await ARGON2.run(check) and password_hash is not None
