"""The short path — a trusted document, or one typed by hand and prepared on its first
arrival — answers exactly what strawberry's whole pipeline answers: data, errors (masked ones
too), status and headers; and where a value is not plain, the shapes leave it to graphql-core's
own completion and its errors."""

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import strawberry

from schema import documents, limits
from schema.api import build_schema
from server.endpoint import CustomerEndpoint
from server.prepared import Prepared, PreparedOperations
from services.runtime import Runtime
from tests import factories
from tests.customer import Customer
from tests.helpers import GraphQL
from tests.operations import (
    BALANCE_DETAIL,
    CLOSURE_ELIGIBILITY,
    CLOSURE_REQUEST,
    CREATE_CAPTCHA,
    DATA_EXPORT,
    ME,
    SECURITY_LOG,
    SECURITY_LOG_PAGE,
    TRANSACTIONS,
    WITHDRAW_BALANCE,
)


def full_pipeline(query: str) -> str:
    """The same operation under another name of the same length (so that error locations
    stay put): no trusted document any more — a comment or white space would not do, a
    trusted document is matched up to ignored tokens."""

    def rename(match: re.Match[str]) -> str:
        name = match[2]
        return f"{match[1]} {name[:-1]}{'y' if name[-1] == 'x' else 'x'}"

    return re.sub(r"^(query|mutation) (\w+)", rename, query, count=1)


@pytest.fixture
async def pipeline(runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The customers' endpoint keeping no document typed by hand: strawberry's pipeline
    answers every one."""
    endpoint = CustomerEndpoint(runtime, production=False, held=0)
    transport = httpx.ASGITransport(app=endpoint)
    async with httpx.AsyncClient(transport=transport, base_url="http://wallet.test") as client:
        yield client


async def three(
    client: httpx.AsyncClient,
    pipeline: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> list[httpx.Response]:
    """The trusted document, the same typed by hand (on the short path), and that on
    strawberry's pipeline."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    by_hand = full_pipeline(query)
    assert documents.Trusted(documents.trusted()).find(by_hand) is None
    answers = []
    for endpoint, text in ((client, query), (client, by_hand), (pipeline, by_hand)):
        answers.append(
            await endpoint.post(
                "/graphql", headers=headers, json={"query": text, "variables": variables}
            )
        )
    return answers


def same(answers: list[httpx.Response]) -> dict[str, Any]:
    *short, full = answers
    for answer in short:
        assert (answer.status_code, answer.headers["content-type"]) == (
            full.status_code,
            full.headers["content-type"],
        )
        assert answer.json() == full.json()
    return full.json()


def test_every_trusted_document_is_prepared_and_all_queries_but_one_run_directly() -> None:
    prepared = PreparedOperations(build_schema(), documents.trusted().values(), endpoint="customer")

    assert len(prepared.operations) == len(documents.trusted())
    unshaped = [p.name for p in prepared.operations.values() if not p.shapes]
    queries = [p for p in prepared.operations.values() if p.kind == "query"]
    assert unshaped == ["BalanceDetail"]  # pendingWithdrawals has a resolver of its own
    # every query of the contract has one root field
    assert [p.name for p in queries if not p.direct] == ["BalanceDetail"]


async def test_the_short_path_answers_what_the_pipeline_answers(
    api: GraphQL, runtime: Runtime, pipeline: httpx.AsyncClient
) -> None:
    await factories.account(runtime, fen=12_850, card_last4="6789", auto_pay=True)
    person = Customer(api, "+8613900000001")
    await person.log_in()
    client, token = api.client, person.token

    me = same(await three(client, pipeline, ME, token=token))
    eligibility = same(await three(client, pipeline, CLOSURE_ELIGIBILITY, token=token))
    for query, variables in [
        (SECURITY_LOG, {}),
        (SECURITY_LOG_PAGE, {"first": 1}),
        (TRANSACTIONS, {"first": 5}),
        (BALANCE_DETAIL, {}),
        (DATA_EXPORT, {"id": "00000000-0000-0000-0000-000000000000"}),
        (CLOSURE_REQUEST, {"id": "not-an-id"}),
    ]:
        same(await three(client, pipeline, query, variables, token=token))
    withdrawal = same(
        await three(
            client,
            pipeline,
            WITHDRAW_BALANCE,
            {
                "input": {
                    "cardId": me["data"]["me"]["bankCards"][0]["id"],
                    "fen": -1,
                    "idempotencyKey": "k-1",
                }
            },
            token=token,
        )
    )
    unauthenticated = same(await three(client, pipeline, ME))
    bad_variable = same(
        await three(client, pipeline, SECURITY_LOG_PAGE, {"first": "ten"}, token=token)
    )

    endpoint = next(r.app for r in api.app.routes if getattr(r, "path", None) == "/graphql")
    assert isinstance(endpoint.prepared.typed[full_pipeline(ME)], Prepared)  # the short path
    assert me["data"]["me"]["balance"] == {"fen": 12_850, "currency": "CNY", "display": "¥128.50"}
    assert me["data"]["me"]["bankCards"][0]["last4"] == "6789"
    assert [b["code"] for b in eligibility["data"]["closureEligibility"]["blockers"]] == [
        "BALANCE_NOT_ZERO"
    ]
    assert withdrawal["data"]["withdrawBalance"]["errors"][0]["field"] == "fen"
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert unauthenticated["data"] is None
    assert "ten" in bad_variable["errors"][0]["message"] and bad_variable["data"] is None


async def test_variables_coerced_once_are_those_variables_only(
    api: GraphQL, runtime: Runtime, pipeline: httpx.AsyncClient
) -> None:
    await factories.account(runtime, fen=0)
    person = Customer(api, "+8613900000001")
    for _ in range(3):
        await person.log_in()  # an entry each in the security log

    pages = [
        same(await three(api.client, pipeline, SECURITY_LOG_PAGE, variables, token=person.token))
        for variables in (
            {"first": 1},
            {"first": 1},  # the kept coercion
            {"first": True},  # equal to 1 as a key, no Int
            {"first": 2},
            {"first": 1.0},  # equal to 1 as a key, an Int that graphql-core takes
            {"first": 1, "after": None},
        )
    ]

    sizes = [len(p["data"]["securityLog"]["edges"]) if p["data"] else None for p in pages]
    assert sizes == [1, 1, None, 2, 1, 1]
    assert "Int cannot represent non-integer value: True" in pages[2]["errors"][0]["message"]


async def test_an_unexpected_error_is_masked_the_same_on_both_paths(
    api: GraphQL, runtime: Runtime, pipeline: httpx.AsyncClient
) -> None:
    runtime.secret = None  # type: ignore[assignment]  # every keyed hash now fails

    answers = await three(api.client, pipeline, CREATE_CAPTCHA, {"purpose": "LOGIN"})

    errors = [r.json()["errors"] for r in answers]
    for answer in errors:
        answer[0]["extensions"].pop("requestId")
    assert errors[0] == errors[1] == errors[2]
    assert errors[0][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert [r.json()["data"] for r in answers] == [None, None, None]


@strawberry.type
class Item:
    name: str
    tags: list[str]


@strawberry.type
class Query:
    @strawberry.field
    def item(self, info: strawberry.Info) -> Item:
        return info.context["item"]


@pytest.mark.parametrize(
    "item",
    [
        Item(name="plain", tags=["a", "b"]),
        Item(name=None, tags=["a"]),  # type: ignore[arg-type]  # null where none may be
        Item(name="x", tags=["a", None]),  # type: ignore[list-item]
        Item(name="x", tags="not a list"),  # type: ignore[arg-type]
        Item(name={"not": "text"}, tags=[]),  # type: ignore[arg-type]
    ],
    ids=["plain", "null name", "null tag", "tags not a list", "name not text"],
)
async def test_a_value_that_is_not_plain_is_completed_by_graphql_core(item: Any) -> None:
    schema = limits.WalletSchema(query=Query, **limits.hardening(production=False))
    document = "query Item { item { name tags __typename } }"
    prepared = PreparedOperations(schema, [document], endpoint="test")

    short = await prepared.answer(prepared.operations[document], None, {"item": item})
    full = await schema.execute(document, context_value={"item": item})

    assert prepared.operations[document].shapes  # the shape was tried
    assert short["data"] == full.data
    assert short.get("errors") == ([e.formatted for e in full.errors] if full.errors else None)
    if item.name == "plain":
        assert short == {
            "data": {"item": {"name": "plain", "tags": ["a", "b"], "__typename": "Item"}}
        }
    else:
        assert short["errors"] and short["data"] is None


def test_documents_typed_by_hand_are_prepared_once_and_the_last_ones_kept() -> None:
    prepared = PreparedOperations(build_schema(), [ME], endpoint="customer", held=2)
    mine, theirs, yours = (f"query {n} {{ me {{ id }} }}" for n in ("Mine", "Theirs", "Yours"))

    first = prepared.find({"query": mine})
    again = prepared.find({"query": mine, "operationName": "Mine"})
    anonymous = prepared.find({"query": "{ me { id } }"})
    prepared.find({"query": theirs})
    prepared.find({"query": yours})

    assert first is not None and first is again and first.name == "Mine"
    assert anonymous is not None and anonymous.name is None
    assert list(prepared.typed) == [theirs, yours]  # the oldest went
    assert prepared.find({"query": ME}) is prepared.operations[ME]  # trusted: kept for good
    assert prepared.find({"query": mine, "operationName": "Other"}) is None
    for unfit in (
        "query Broken { me { id ",  # does not parse
        "query Unknown { me { nothing } }",  # does not validate
        "query A { me { id } } query B { me { id } }",  # two operations
    ):
        assert prepared.find({"query": unfit}) is None  # strawberry's pipeline says why
        assert prepared.typed[unfit] is None  # and it is not tried again


def test_production_prepares_no_introspection() -> None:
    introspection = "query Types { __schema { types { name } } }"
    development = PreparedOperations(build_schema(), [], endpoint="customer")
    production = PreparedOperations(
        build_schema(production=True), [], endpoint="customer", production=True
    )

    assert development.find({"query": introspection}) is not None
    assert production.find({"query": introspection}) is None


async def test_a_document_that_does_not_run_gets_the_pipelines_error(api: GraphQL) -> None:
    broken = await api.post("query Broken { me { id ")
    unknown = await api.post("query Unknown { me { nothing } }")

    assert broken["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert unknown["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
