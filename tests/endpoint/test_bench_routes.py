"""The benchmark's reference routes (bench/routes.py) do the same reads as the operations they
stand beside (by hand-written SQL on the bare driver) and answer the same, on both databases;
the installed package has none of them."""

import tomllib

import httpx

from bench.routes import routes
from server.app import create_app
from server.settings import Settings
from services.runtime import Runtime
from tests import factories
from tests.conftest import TEST_SECRET
from tests.customer import Customer
from tests.helpers import ROOT, GraphQL
from tests.operations import CLOSURE_ELIGIBILITY, ME, SECURITY_LOG_PAGE


async def test_the_driver_routes_answer_what_the_operations_answer(
    orm: str, api: GraphQL, runtime: Runtime
) -> None:
    await factories.account(runtime, fen=12_850, card_last4="6789", auto_pay=True)
    person = Customer(api, "+8613900000001")
    await person.log_in()
    settings = Settings(database_url=orm, secret_key=TEST_SECRET.decode())
    app = create_app(settings, runtime, manage_orm=False)
    app.router.routes.extend(routes(runtime))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wallet.test"
    ) as client:

        async def both(
            route: str,
            query: str,
            field: str,
            token: str | None = None,
            variables: dict | None = None,
        ) -> tuple[dict, dict]:
            headers = {"authorization": f"Bearer {token or person.token}"}
            body = {"query": query, "variables": variables or {}}
            driver = (await client.post(route, headers=headers, json=body)).json()
            graphql = (await client.post("/graphql", headers=headers, json=body)).json()
            return driver["data"][field], graphql["data"][field]

        me = await both("/bench/driver/me", ME, "me")
        eligibility = await both(
            "/bench/driver/closure-eligibility", CLOSURE_ELIGIBILITY, "closureEligibility"
        )
        log = await both("/bench/driver/security-log", SECURITY_LOG_PAGE, "securityLog")
        login = {
            "input": {"phone": "13900000001", "password": factories.PASSWORD, "deviceName": "bench"}
        }
        token = (await client.post("/bench/driver/login", json={"variables": login})).json()[
            "data"
        ]["loginWithPassword"]["token"]
        me_again = await both("/bench/driver/me", ME, "me", token=token)

    for answer in (*me, *me_again):
        for device in answer["sessions"]:
            device.pop("lastSeenAt")
    assert me[0] == me[1]
    assert me[0]["balance"]["fen"] == 12_850
    assert eligibility[0] == eligibility[1]
    assert [b["code"] for b in eligibility[0]["blockers"]] == ["BALANCE_NOT_ZERO"]
    assert "水费代扣" in str(eligibility[0]["warnings"])
    nodes = [[{**e["node"], "at": None} for e in answer["edges"]] for answer in log]
    assert nodes[0] == nodes[1]
    assert [n["action"] for n in nodes[0]] == ["LOGIN_SUCCEEDED", "ACCOUNT_CREATED"]
    assert me_again[0] == me_again[1]
    assert sorted(d["current"] for d in me_again[0]["sessions"]) == [False, True]


def test_the_installed_package_has_nothing_of_the_benchmark() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = project["tool"]["setuptools"]["packages"]
    assert not [p for p in packages if p.split(".")[0] == "bench"]
    installed = [ROOT / p.replace(".", "/") for p in packages]
    mentions = [
        f"{path}"
        for folder in installed
        for path in folder.glob("*.py")
        if "bench" in path.read_text()
    ]
    assert mentions == []
