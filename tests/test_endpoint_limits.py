"""Spec §6: documents are bounded before they run; CSRF-prone requests are refused."""

from graphql import GraphQLError

from schema.limits import is_unexpected
from tests.helpers import GraphQL


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
    body = (await api.client.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
            ).json()
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


def test_only_unexpected_errors_are_masked() -> None:
    assert is_unexpected(GraphQLError("boom", original_error=RuntimeError("SELECT secret")))
    assert not is_unexpected(GraphQLError("Cannot query field 'x'"))
    assert not is_unexpected(GraphQLError("log in", original_error=GraphQLError("log in")))
