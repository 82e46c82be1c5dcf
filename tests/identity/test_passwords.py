"""Passwords: argon2id with its real parameters, equal work for unknown accounts, and a bounded
queue under a flood. (Every other test runs on cheap parameters, see conftest.)"""

import asyncio
import time
from collections import Counter

from argon2 import PasswordHasher, extract_parameters

from services.errors import DomainError, ErrorCode
from services.passwords import Passwords, _Gate


async def test_the_runtime_hashes_with_argon2ids_recommended_parameters() -> None:
    passwords = Passwords()
    made = await passwords.hash("Right-pass-1")

    assert extract_parameters(made) == extract_parameters(PasswordHasher().hash("x"))
    assert made.startswith("$argon2id$")
    assert await passwords.verify(made, "Right-pass-1") is True
    assert await passwords.verify(made, "Wrong-pass-1") is False


async def test_a_check_without_an_account_does_the_same_work_as_one_with() -> None:
    passwords = Passwords()
    made = await passwords.hash("Right-pass-1")

    async def seconds(password_hash: str | None) -> float:
        started = time.perf_counter()
        assert await passwords.verify(password_hash, "Wrong-pass-1") is False
        return time.perf_counter() - started

    # in turns, the fastest of each: a slow spell of a shared machine falls on both sides
    timings: dict[str | None, list[float]] = {made: [], None: []}
    for _ in range(4):
        for password_hash in timings:
            timings[password_hash].append(await seconds(password_hash))
    known, unknown = min(timings[made]), min(timings[None])

    assert 0.5 < unknown / known < 2, (known, unknown)


async def test_cheap_parameters_still_check_a_real_hash() -> None:
    real = await Passwords().hash("Right-pass-1")

    assert await Passwords.cheap().verify(real, "Right-pass-1") is True


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
