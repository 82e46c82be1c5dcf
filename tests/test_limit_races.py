"""Limits that hold when the requests arrive at once: 40 wrong passwords and 60 captchas fired
together through two app instances on one PostgreSQL database."""

import asyncio
from collections import Counter

import httpx
import pytest

from models import Challenge, ChallengeKind
from server.app import create_app
from server.settings import Settings
from services.runtime import Runtime
from tests import factories
from tests.conftest import TEST_SECRET
from tests.operations import CREATE_CAPTCHA, LOGIN_WITH_PASSWORD

pytestmark = pytest.mark.postgres


async def two_instances(orm: str, runtime: Runtime) -> list[httpx.AsyncClient]:
    settings = Settings(database_url=orm, secret_key=TEST_SECRET.decode())
    return [httpx.AsyncClient(transport=httpx.ASGITransport(
        app=create_app(settings, runtime, manage_orm=False)), base_url="http://wallet.test")
        for _ in range(2)]


async def fire(clients: list[httpx.AsyncClient], count: int, body: dict) -> list[dict]:
    answers = await asyncio.gather(*(clients[i % 2].post("/graphql", json=body)
                                     for i in range(count)))
    return [a.json() for a in answers]


async def test_forty_wrong_passwords_at_once_check_exactly_ten(
        orm: str, runtime: Runtime) -> None:
    await factories.account(runtime)
    clients = await two_instances(orm, runtime)
    body = {"query": LOGIN_WITH_PASSWORD, "variables": {"input": {
        "phone": "13900000001", "password": "Wrong-pass-1", "deviceName": "bot"}}}
    try:
        answers = await fire(clients, 40, body)
    finally:
        for client in clients:
            await client.aclose()

    codes = Counter(e["code"] for a in answers for e in a["data"]["loginWithPassword"]["errors"])
    assert codes == {"INVALID_CREDENTIALS": 10, "ACCOUNT_LOCKED": 30}


async def test_sixty_captchas_at_once_issue_exactly_thirty(orm: str, runtime: Runtime) -> None:
    clients = await two_instances(orm, runtime)
    try:
        answers = await fire(clients, 60, {"query": CREATE_CAPTCHA,
                                           "variables": {"purpose": "LOGIN"}})
    finally:
        for client in clients:
            await client.aclose()

    issued = [a for a in answers if a.get("data")]
    refused = [e["extensions"]["code"] for a in answers for e in a.get("errors", [])]
    assert (len(issued), refused) == (30, ["RATE_LIMITED"] * 30)
    assert await Challenge.filter(kind=ChallengeKind.CAPTCHA).count() == 30
