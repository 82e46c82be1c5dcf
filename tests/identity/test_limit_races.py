"""Limits that hold when the requests arrive at once: 40 wrong passwords (customers' and
staff's), 60 captchas, and right passwords beside wrong ones, fired together through two app
instances on one PostgreSQL database."""

import asyncio
from collections import Counter
from dataclasses import replace

import httpx
import pytest

from models import Challenge, ChallengeKind, PasswordThrottle, StaffRole
from server.app import create_app
from server.settings import Settings
from services.crypto import keyed_hash
from services.runtime import Runtime
from services.support import staff
from tests import factories
from tests.conftest import TEST_SECRET
from tests.operations import CREATE_CAPTCHA, LOGIN_WITH_PASSWORD, STAFF_OPERATIONS

pytestmark = pytest.mark.postgres


async def two_instances(orm: str, runtime: Runtime) -> list[httpx.AsyncClient]:
    settings = Settings(database_url=orm, secret_key=TEST_SECRET.decode())
    return [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(settings, runtime, manage_orm=False)),
            base_url="http://wallet.test",
        )
        for _ in range(2)
    ]


async def fire(clients: list[httpx.AsyncClient], count: int, body: dict) -> list[dict]:
    answers = await asyncio.gather(
        *(clients[i % 2].post("/graphql", json=body) for i in range(count))
    )
    return [a.json() for a in answers]


async def test_forty_wrong_passwords_at_once_check_exactly_ten(orm: str, runtime: Runtime) -> None:
    await factories.account(runtime)
    clients = await two_instances(orm, runtime)
    body = {
        "query": LOGIN_WITH_PASSWORD,
        "variables": {
            "input": {"phone": "13900000001", "password": "Wrong-pass-1", "deviceName": "bot"}
        },
    }
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
        answers = await fire(
            clients, 60, {"query": CREATE_CAPTCHA, "variables": {"purpose": "LOGIN"}}
        )
    finally:
        for client in clients:
            await client.aclose()

    issued = [a for a in answers if a.get("data")]
    refused = [e["extensions"]["code"] for a in answers for e in a.get("errors", [])]
    assert (len(issued), refused) == (30, ["RATE_LIMITED"] * 30)
    assert await Challenge.filter(kind=ChallengeKind.CAPTCHA).count() == 30


async def test_right_passwords_at_once_never_count_against_their_address(
    orm: str, runtime: Runtime
) -> None:
    # given 24 customers behind one carrier NAT, logging in at once, and 6 typos among them
    runtime.rules = replace(runtime.rules, password_failures_per_client=10)
    phones = [f"1390000{n:04d}" for n in range(24)]
    for phone in phones:
        await factories.account(runtime, phone)
    bodies = [
        {
            "query": LOGIN_WITH_PASSWORD,
            "variables": {"input": {"phone": phone, "password": password, "deviceName": "phone"}},
        }
        for phone, password in [
            *((p, factories.PASSWORD) for p in phones),
            *((p, "Typo-pass-1") for p in phones[:6]),
        ]
    ]
    clients = await two_instances(orm, runtime)
    try:
        answers = await asyncio.gather(
            *(clients[i % 2].post("/graphql", json=body) for i, body in enumerate(bodies))
        )
    finally:
        for client in clients:
            await client.aclose()

    payloads = [a.json()["data"]["loginWithPassword"] for a in answers]
    assert [p["errors"] for p in payloads[:24]] == [[]] * 24
    assert Counter(e["code"] for p in payloads[24:] for e in p["errors"]) == {
        "INVALID_CREDENTIALS": 6
    }
    address = await PasswordThrottle.get(
        phone_key=keyed_hash(runtime.secret, "password-client", "127.0.0.1")
    )
    assert address.failures == 6


async def test_forty_wrong_staff_logins_at_once_check_exactly_five(
    orm: str, runtime: Runtime
) -> None:
    await staff.add(runtime, username="lihua", password="Super-pass-1", role=StaffRole.SUPERVISOR)
    settings = Settings(database_url=orm, secret_key=TEST_SECRET.decode(), staff_api="on")
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(settings, runtime, manage_orm=False)),
            base_url="http://wallet.test",
        )
        for _ in range(2)
    ]
    body = {
        "query": STAFF_OPERATIONS["StaffLogin"],
        "variables": {
            "input": {"username": "lihua", "password": "Wrong-pass-1", "totpCode": "000000"}
        },
    }
    try:
        answers = await asyncio.gather(
            *(clients[i % 2].post("/staff/graphql", json=body) for i in range(40))
        )
    finally:
        for client in clients:
            await client.aclose()

    codes = Counter(e["code"] for a in answers for e in a.json()["data"]["staffLogin"]["errors"])
    assert codes == {"INVALID_CREDENTIALS": 5, "ACCOUNT_LOCKED": 35}
