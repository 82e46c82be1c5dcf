"""Argon2 under a flood: a bounded number at once, a bounded queue, the rest refused."""

import asyncio
import time
from collections import Counter

from services.crypto import _Gate
from services.errors import DomainError, ErrorCode


async def test_a_flood_of_password_checks_queues_up_to_the_bound_then_is_refused() -> None:
    gate = _Gate(running=2, waiting=3)
    running = []

    def work() -> int:
        running.append(1)
        time.sleep(0.05)
        return 1

    async def attempt() -> str:
        try:
            await gate.run(work)
        except DomainError as error:
            return error.code.value
        return "checked"

    answers = await asyncio.gather(*(attempt() for _ in range(12)))

    assert Counter(answers) == {"checked": 5, ErrorCode.RATE_LIMITED.value: 7}
    assert len(running) == 5
