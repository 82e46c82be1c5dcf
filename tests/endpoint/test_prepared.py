"""The trusted documents' short path answers exactly what strawberry's whole pipeline answers:
data, errors (masked ones too), status and headers; and where a value is not plain, the
shapes leave it to graphql-core's own completion and its errors."""

import re
from typing import Any

import httpx
import pytest
import strawberry

from schema import documents, limits
from schema.api import build_schema
from server.prepared import PreparedOperations
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
    trusted document is matched up to ignored tokens — so strawberry's pipeline runs it."""

    def rename(match: re.Match[str]) -> str:
        name = match[2]
        return f"{match[1]} {name[:-1]}{'y' if name[-1] == 'x' else 'x'}"

    return re.sub(r"^(query|mutation) (\w+)", rename, query, count=1)


async def both(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> tuple[httpx.Response, httpx.Response]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    answers = []
    assert documents.Trusted(documents.trusted()).find(full_pipeline(query)) is None
    for text in (query, full_pipeline(query)):
        answers.append(
            await client.post(
                "/graphql", headers=headers, json={"query": text, "variables": variables}
            )
        )
    return answers[0], answers[1]


def same(short: httpx.Response, full: httpx.Response) -> dict[str, Any]:
    assert (short.status_code, short.headers["content-type"]) == (
        full.status_code,
        full.headers["content-type"],
    )
    assert short.json() == full.json()
    return short.json()


def test_every_trusted_document_is_prepared_and_all_but_one_shaped() -> None:
    prepared = PreparedOperations(build_schema(), documents.trusted().values(), endpoint="customer")

    assert len(prepared.operations) == len(documents.trusted())
    unshaped = [p.name for p in prepared.operations.values() if not p.shapes]
    assert unshaped == ["BalanceDetail"]  # pendingWithdrawals has a resolver of its own


async def test_the_short_path_answers_what_the_pipeline_answers(
    api: GraphQL, runtime: Runtime
) -> None:
    await factories.account(runtime, fen=12_850, card_last4="6789", auto_pay=True)
    person = Customer(api, "+8613900000001")
    await person.log_in()
    client, token = api.client, person.token

    me = same(*await both(client, ME, token=token))
    eligibility = same(*await both(client, CLOSURE_ELIGIBILITY, token=token))
    for query, variables in [
        (SECURITY_LOG, {}),
        (SECURITY_LOG_PAGE, {"first": 1}),
        (TRANSACTIONS, {"first": 5}),
        (BALANCE_DETAIL, {}),
        (DATA_EXPORT, {"id": "00000000-0000-0000-0000-000000000000"}),
        (CLOSURE_REQUEST, {"id": "not-an-id"}),
    ]:
        same(*await both(client, query, variables, token=token))
    withdrawal = same(
        *await both(
            client,
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
    unauthenticated = same(*await both(client, ME))
    bad_variable = same(*await both(client, SECURITY_LOG_PAGE, {"first": "ten"}, token=token))

    assert me["data"]["me"]["balance"] == {"fen": 12_850, "currency": "CNY", "display": "¥128.50"}
    assert me["data"]["me"]["bankCards"][0]["last4"] == "6789"
    assert [b["code"] for b in eligibility["data"]["closureEligibility"]["blockers"]] == [
        "BALANCE_NOT_ZERO"
    ]
    assert withdrawal["data"]["withdrawBalance"]["errors"][0]["field"] == "fen"
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert unauthenticated["data"] is None
    assert "ten" in bad_variable["errors"][0]["message"] and bad_variable["data"] is None


async def test_an_unexpected_error_is_masked_the_same_on_both_paths(
    api: GraphQL, runtime: Runtime
) -> None:
    runtime.secret = None  # type: ignore[assignment]  # every keyed hash now fails

    short, full = await both(api.client, CREATE_CAPTCHA, {"purpose": "LOGIN"})

    errors = [r.json()["errors"] for r in (short, full)]
    for answer in errors:
        answer[0]["extensions"].pop("requestId")
    assert errors[0] == errors[1]
    assert errors[0][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert short.json()["data"] == full.json()["data"] is None


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
