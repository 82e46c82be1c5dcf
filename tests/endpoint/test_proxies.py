"""Behind a load balancer: the client's address comes from X-Forwarded-For only when the
peer is a trusted proxy, and links from WALLET_PUBLIC_URL."""

from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest

from server.app import create_app
from server.settings import Settings
from services.clock import FakeClock
from services.records import exports
from services.runtime import Runtime
from tests import factories
from tests.conftest import TEST_SECRET
from tests.operations import DATA_EXPORT, LOGIN_WITH_PASSWORD, REQUEST_DATA_EXPORT

PROXY, STRANGER = "127.0.0.9", "127.0.0.77"
Client = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def behind(orm: str, runtime: Runtime) -> AsyncIterator[Callable[..., Client]]:
    runtime.rules = replace(runtime.rules, password_failures_per_client=2)
    await factories.account(runtime)
    opened: list[httpx.AsyncClient] = []

    def app(**settings: object) -> Client:
        served = create_app(
            Settings(database_url=orm, secret_key=TEST_SECRET.decode(), **settings),  # type: ignore[arg-type]
            runtime,
            manage_orm=False,
        )

        def from_peer(peer: str) -> httpx.AsyncClient:
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=served, client=(peer, 40000)),
                base_url="http://wallet.internal",
            )
            opened.append(client)
            return client

        return from_peer

    yield app
    for client in opened:
        await client.aclose()


async def wrong_password(client: httpx.AsyncClient, forwarded_for: str) -> str:
    answer = await client.post(
        "/graphql",
        headers={"X-Forwarded-For": forwarded_for},
        json={
            "query": LOGIN_WITH_PASSWORD,
            "variables": {
                "input": {"phone": "13900000001", "password": "Wrong-pass-1", "deviceName": "x"}
            },
        },
    )
    return answer.json()["data"]["loginWithPassword"]["errors"][0]["code"]


async def test_without_trusted_proxies_a_forged_header_changes_nothing(behind) -> None:
    client = behind()(STRANGER)

    answers = [await wrong_password(client, f"127.0.1.{n}") for n in range(3)]

    assert answers == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]


async def test_through_a_trusted_proxy_each_forwarded_address_has_its_own_limits(behind) -> None:
    app = behind(trusted_proxies=f"{PROXY}/32, 127.0.0.10")
    proxy, stranger = app(PROXY), app(STRANGER)

    first = [await wrong_password(proxy, "127.0.1.1") for _ in range(3)]
    second = await wrong_password(proxy, "127.0.1.2")
    forged = [await wrong_password(stranger, f"127.0.1.{n}") for n in range(3, 6)]

    assert first == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]
    assert second == "INVALID_CREDENTIALS"
    assert forged == ["INVALID_CREDENTIALS", "INVALID_CREDENTIALS", "RATE_LIMITED"]


async def test_links_follow_wallet_public_url_or_the_trusted_proxys_scheme(
    behind, runtime: Runtime, clock: FakeClock
) -> None:
    await factories.account(runtime, "13900000002")

    async def export_link(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
        login = await client.post(
            "/graphql",
            json={
                "query": LOGIN_WITH_PASSWORD,
                "variables": {
                    "input": {
                        "phone": "13900000002",
                        "password": factories.PASSWORD,
                        "deviceName": "x",
                    }
                },
            },
        )
        auth = {"Authorization": f"Bearer {login.json()['data']['loginWithPassword']['token']}"}
        requested = await client.post(
            "/graphql",
            headers={**auth, **headers},
            json={"query": REQUEST_DATA_EXPORT, "variables": {"input": {"format": "JSON"}}},
        )
        await exports.build_due(runtime)
        shown = await client.post(
            "/graphql",
            headers={**auth, **headers},
            json={
                "query": DATA_EXPORT,
                "variables": {"id": requested.json()["data"]["requestDataExport"]["export"]["id"]},
            },
        )
        return str(shown.json()["data"]["dataExport"]["downloadUrl"])

    by_setting = await export_link(behind(public_url="https://wallet.example")(STRANGER), {})
    clock.advance(timedelta(hours=1))  # one export an hour
    by_proxy = await export_link(
        behind(trusted_proxies=PROXY)(PROXY),
        {"X-Forwarded-Proto": "https", "Host": "wallet.example"},
    )
    clock.advance(timedelta(hours=1))
    by_request = await export_link(behind()(STRANGER), {})

    assert by_setting.startswith("https://wallet.example/exports/")
    assert by_proxy.startswith("https://wallet.example/exports/")
    assert by_request.startswith("http://wallet.internal/exports/")
