"""The benchmark's reference route does the same reads as `Me` (by hand-written SQL on the
driver connection) and answers the same, on both databases; production refuses it."""

import httpx
import pytest
from pydantic import ValidationError

from server.app import create_app
from server.settings import Settings
from services.runtime import Runtime
from tests import factories
from tests.conftest import TEST_SECRET
from tests.customer import Customer
from tests.helpers import GraphQL
from tests.operations import ME


async def test_the_driver_route_answers_what_me_answers(
        orm: str, api: GraphQL, runtime: Runtime) -> None:
    await factories.account(runtime, fen=12_850, card_last4="6789")
    person = Customer(api, "+8613900000001")
    await person.log_in()
    settings = Settings(database_url=orm, secret_key=TEST_SECRET.decode(), bench_routes=True)
    app = create_app(settings, runtime, manage_orm=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://wallet.test") as client:
        headers = {"authorization": f"Bearer {person.token}"}
        driver = (await client.post("/bench/driver/me", headers=headers)).json()["data"]["me"]
        graphql = (await client.post("/graphql", headers=headers,
                                     json={"query": ME})).json()["data"]["me"]

    for answer in (driver, graphql):
        for device in answer["sessions"]:
            device.pop("lastSeenAt")
    assert driver == graphql
    assert driver["balance"]["fen"] == 12_850


def test_production_refuses_the_bench_routes() -> None:
    with pytest.raises(ValidationError, match="WALLET_BENCH_ROUTES"):
        Settings(env="production", secret_key="k" * 32, sms_backend="webhook",
                 sms_webhook_url="http://sms.test/send", bench_routes=True)
