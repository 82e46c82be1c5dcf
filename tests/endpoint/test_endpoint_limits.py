"""Spec §6: documents are bounded before they run; CSRF-prone requests are refused."""

from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import GraphQLError

from schema.limits import OperationLabels, is_unexpected
from server.app import create_app
from server.settings import Settings
from services.runtime import Runtime
from tests.helpers import GraphQL
from tests.operations import CREATE_CAPTCHA


async def refused(api: GraphQL, query: str) -> str:
    response = await api.client.post("/graphql", json={"query": query})
    body = response.json()
    assert body.get("data") is None, body
    return body["errors"][0]["message"]


async def test_more_than_100_aliases(api: GraphQL) -> None:
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(101)) + " }"
    assert "aliases" in await refused(api, query)


async def test_depth_over_10(api: GraphQL) -> None:
    query = "{ __schema { " + "types { fields { type { " * 3 + "name" + " } } }" * 3 + " } }"
    assert "depth" in await refused(api, query)


async def test_more_than_2000_tokens(api: GraphQL) -> None:
    query = "{ " + " ".join("__typename" for _ in range(2001)) + " }"
    assert "token" in await refused(api, query)


async def test_the_same_field_500_times(api: GraphQL) -> None:
    query = "{" + "__typename " * 500 + "}"
    assert "500 times" in await refused(api, query)


async def test_batches_are_refused(api: GraphQL) -> None:
    batch = [{"query": "{ __typename }"}] * 10
    response = await api.client.post("/graphql", json=batch)
    assert response.status_code == 400


async def test_queries_over_get_are_refused(api: GraphQL) -> None:
    response = await api.client.get("/graphql", params={"query": "{ __typename }"})
    assert response.status_code in (400, 405)


async def test_graphiql_is_served_in_development(api: GraphQL) -> None:
    page = await api.client.get("/graphql", headers={"accept": "text/html"})
    script = await api.client.get("/static/graphiql/graphiql.min.js")

    assert page.status_code == 200 and "/static/graphiql/graphiql.min.js" in page.text
    assert script.status_code == 200 and len(script.content) > 1_000_000


async def test_introspection_is_on_in_development(api: GraphQL) -> None:
    body = (
        await api.client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    ).json()
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_only_unexpected_errors_are_masked() -> None:
    assert is_unexpected(GraphQLError("boom", original_error=RuntimeError("SELECT secret")))
    assert not is_unexpected(GraphQLError("Cannot query field 'x'"))
    assert not is_unexpected(GraphQLError("log in", original_error=GraphQLError("log in")))


@pytest.fixture
async def production(orm: str, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        env="production",
        secret_key="k" * 32,
        database_url=orm,
        sms_backend="webhook",
        sms_webhook_url="http://sms.test/send",
        trusted_documents="off",
    )  # ad-hoc documents, to test what else holds
    app = create_app(settings, runtime, manage_orm=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wallet.test"
    ) as client:
        yield client


async def test_production_has_no_graphiql_introspection_or_suggestions(
    production: httpx.AsyncClient,
) -> None:
    page = await production.get("/graphql", headers={"accept": "text/html"})
    introspection = (
        await production.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
    ).json()
    typo = (await production.post("/graphql", json={"query": "{ mee { id } }"})).json()

    assert page.status_code >= 400 and "GraphiQL" not in page.text
    assert introspection["data"] is None
    assert "introspection" in introspection["errors"][0]["message"].lower()
    assert "Did you mean" not in typo["errors"][0]["message"]


async def test_an_unexpected_error_reaches_the_client_masked(
    api: GraphQL, runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    runtime.secret = None  # type: ignore[assignment]  # every keyed hash now fails

    response = await api.client.post(
        "/graphql", json={"query": CREATE_CAPTCHA, "variables": {"purpose": "LOGIN"}}
    )

    body = response.json()
    (error,) = body["errors"]
    assert response.headers["x-request-id"] == error["extensions"]["requestId"]
    assert error["message"] == "Internal error; quote the request id to support."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert len(error["extensions"]["requestId"]) == 32
    assert "hmac" not in str(body).lower() and "Traceback" not in str(body)
    assert error["extensions"]["requestId"] in caplog.text


async def test_no_client_can_grow_the_operation_label_of_the_metrics(api: GraphQL) -> None:
    for n in range(5):
        await api.client.post("/graphql", json={"query": f"query Invented{n} {{ __typename }}"})

    metrics = (await api.client.get("/metrics")).text

    assert "Invented" not in metrics
    assert 'endpoint="customer",operation="other",outcome="ok"' in metrics


def test_the_desk_admits_64_operation_names_then_other() -> None:
    labels = OperationLabels()
    labels.trusted = frozenset({"Me"})

    desk = [labels("staff", f"Op{n}") for n in range(70)]

    assert desk[:64] == [f"Op{n}" for n in range(64)] and set(desk[64:]) == {"other"}
    assert (labels("customer", "Me"), labels("customer", "Op1"), labels("customer", None)) == (
        "Me",
        "other",
        "anonymous",
    )
