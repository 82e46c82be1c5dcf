"""Captchas gate every SMS: single use, two minutes, case-insensitive."""

from datetime import timedelta
from uuid import UUID

import httpx
import pytest

from models import Challenge, Purpose
from services.clock import FakeClock
from services.errors import DomainError, ErrorCode
from services.identity import captcha
from services.runtime import Runtime
from tests.helpers import GraphQL
from tests.operations import CREATE_CAPTCHA


async def captcha_answered(rt: Runtime, answer: str, purpose: Purpose = Purpose.LOGIN) -> str:
    """A captcha whose image shows `answer`."""
    new = await captcha.create(rt, purpose, client="127.0.0.1")
    await Challenge.filter(id=new.id).update(answer_hash=captcha._answer_hash(rt, answer))
    return str(new.id)


@pytest.fixture
def strict(runtime: Runtime) -> Runtime:
    runtime.captcha_test_answer = None
    return runtime


async def refused(rt: Runtime, purpose: Purpose, captcha_id: str, answer: str) -> str | None:
    try:
        await captcha.solve(rt, purpose, captcha_id, answer)
    except DomainError as error:
        assert error.code == ErrorCode.CAPTCHA_INVALID
        return error.field
    return None


async def test_the_answer_is_case_insensitive(strict: Runtime) -> None:
    captcha_id = await captcha_answered(strict, "K7PQ2")

    assert await refused(strict, Purpose.LOGIN, captcha_id, " k7pq2 ") is None


async def test_a_wrong_answer_uses_the_captcha_up(strict: Runtime) -> None:
    captcha_id = await captcha_answered(strict, "K7PQ2")

    assert await refused(strict, Purpose.LOGIN, captcha_id, "K7PQ3") == "captchaAnswer"
    assert await refused(strict, Purpose.LOGIN, captcha_id, "K7PQ2") == "captchaId"


async def test_a_captcha_works_once(strict: Runtime) -> None:
    captcha_id = await captcha_answered(strict, "K7PQ2")
    await captcha.solve(strict, Purpose.LOGIN, captcha_id, "K7PQ2")

    assert await refused(strict, Purpose.LOGIN, captcha_id, "K7PQ2") == "captchaId"


async def test_a_captcha_expires_after_two_minutes(strict: Runtime, clock: FakeClock) -> None:
    captcha_id = await captcha_answered(strict, "K7PQ2")
    clock.advance(timedelta(minutes=2))

    assert await refused(strict, Purpose.LOGIN, captcha_id, "K7PQ2") == "captchaId"


async def test_a_captcha_is_for_one_purpose(strict: Runtime) -> None:
    captcha_id = await captcha_answered(strict, "K7PQ2", Purpose.RESTORE)

    assert await refused(strict, Purpose.LOGIN, captcha_id, "K7PQ2") == "captchaId"


@pytest.mark.parametrize("captcha_id", ["", "not-a-uuid", str(UUID(int=7)), "x" * 10_000])
async def test_an_unknown_captcha_is_refused(strict: Runtime, captcha_id: str) -> None:
    assert await refused(strict, Purpose.LOGIN, captcha_id, "K7PQ2") == "captchaId"


async def test_the_test_answer_still_expires_and_works_once(
    runtime: Runtime, clock: FakeClock
) -> None:
    used, stale = await captcha_answered(runtime, "K7PQ2"), await captcha_answered(runtime, "AB")
    await captcha.solve(runtime, Purpose.LOGIN, used, "test")
    clock.advance(timedelta(minutes=3))

    assert await refused(runtime, Purpose.LOGIN, used, "test") == "captchaId"
    assert await refused(runtime, Purpose.LOGIN, stale, "test") == "captchaId"


async def test_the_answer_length_is_within_spec(runtime: Runtime) -> None:
    new = await captcha.create(runtime, Purpose.LOGIN, client="127.0.0.1")
    assert 4 <= runtime.rules.captcha_length <= 6
    assert new.expires_at - runtime.clock.now() == timedelta(minutes=2)


async def test_one_client_gets_30_captchas_a_minute(api: GraphQL, clock: FakeClock) -> None:
    query = {"query": CREATE_CAPTCHA, "variables": {"purpose": "LOGIN"}}
    answers = [(await api.client.post("/graphql", json=query)).json() for _ in range(31)]
    other = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api.app, client=("198.51.100.7", 4000)),
        base_url="http://wallet.test",
    )
    async with other:
        elsewhere = (await other.post("/graphql", json=query)).json()
    clock.advance(timedelta(minutes=1))
    later = (await api.client.post("/graphql", json=query)).json()

    assert all("errors" not in a for a in answers[:30])
    assert answers[30]["data"] is None
    assert answers[30]["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "seconds": 60}
    assert "errors" not in elsewhere and "errors" not in later
