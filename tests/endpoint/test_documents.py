"""Trusted documents and APQ, and every refusal of the HTTP layer as GraphQL JSON."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from schema.documents import MANIFEST, Registered, manifest, sha256
from server.app import create_app
from server.settings import Settings
from services.runtime import Runtime
from tests.conftest import TEST_SECRET
from tests.helpers import GraphQL
from tests.operations import CLOSURE_ELIGIBILITY, CREATE_CAPTCHA, OPERATIONS

CONTRACT = Path(__file__).resolve().parents[1] / "contract" / "mobile-operations.graphql"


def test_the_manifest_is_the_contract() -> None:
    committed = json.loads(MANIFEST.read_text())
    assert committed == manifest(CONTRACT.read_text()), "run `wallet-closure export-operations`"
    assert [op["name"] for op in committed["operations"]] == list(OPERATIONS)
    assert all(op["id"] == sha256(op["body"]) for op in committed["operations"])


@pytest.fixture
async def production(orm: str, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        env="production",
        secret_key=TEST_SECRET.decode(),
        database_url=orm,
        sms_backend="webhook",
        sms_webhook_url="http://sms.test/send",
    )
    app = create_app(settings, runtime, manage_orm=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wallet.test"
    ) as client:
        yield client


def by_hash(body: str) -> dict:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(body)}}


async def test_production_runs_a_contract_operation_by_its_hash_alone(
    production: httpx.AsyncClient,
) -> None:
    response = await production.post(
        "/graphql", json={"variables": {"purpose": "LOGIN"}, "extensions": by_hash(CREATE_CAPTCHA)}
    )

    assert response.status_code == 200
    assert response.json()["data"]["createCaptcha"]["imageDataUrl"].startswith("data:image/png")


async def test_production_runs_the_contract_body_but_refuses_any_other_document(
    production: httpx.AsyncClient,
) -> None:
    contract = await production.post("/graphql", json={"query": CLOSURE_ELIGIBILITY})
    ad_hoc = await production.post("/graphql", json={"query": "{ __typename }"})
    unknown_hash = await production.post("/graphql", json={"extensions": by_hash("{ __typename }")})

    assert [e["extensions"]["code"] for e in contract.json()["errors"]] == ["UNAUTHENTICATED"]
    for refused in (ad_hoc, unknown_hash):
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"] == {"code": "PERSISTED_QUERY_NOT_IN_LIST"}
        assert len(refused.headers["x-request-id"]) == 32


async def test_production_knows_a_contract_document_however_a_client_names_it(
    production: httpx.AsyncClient,
) -> None:
    # the same operation retyped: other indentation, commas, a comment
    retyped = (
        "# built by the app\nmutation CreateCaptcha($purpose: CaptchaPurpose!) {\n"
        "    createCaptcha(purpose: $purpose) { captchaId, imageDataUrl, expiresAt }\n}"
    )
    digest = sha256(CREATE_CAPTCHA)
    variables = {"purpose": "LOGIN"}

    answers = [
        await production.post("/graphql", json=body)
        for body in (
            {"query": retyped, "variables": variables},
            {"documentId": f"sha256:{digest}", "variables": variables},
            {"documentId": digest.upper(), "variables": variables},
            {
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}},
                "variables": variables,
            },
        )
    ]
    unknown = await production.post("/graphql", json={"documentId": "sha256:" + "0" * 64})
    other = await production.post(
        "/graphql", json={"query": retyped.replace("expiresAt", "expiresAt captchaId")}
    )

    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.json()["data"]["createCaptcha"]["imageDataUrl"].startswith("data:")
    for refused in (unknown, other):
        assert (refused.status_code, refused.json()["errors"][0]["extensions"]["code"]) == (
            400,
            "PERSISTED_QUERY_NOT_IN_LIST",
        )


async def test_apq_round_trip_outside_production(api: GraphQL) -> None:
    document = "query Mine { __typename }"
    extensions = by_hash(document)

    unknown = await api.client.post("/graphql", json={"extensions": extensions})
    registered = await api.client.post(
        "/graphql", json={"query": document, "extensions": extensions}
    )
    by_hash_alone = await api.client.post("/graphql", json={"extensions": extensions})
    forged = await api.client.post(
        "/graphql", json={"query": "{ __typename }", "extensions": extensions}
    )

    # word for word what Apollo iOS and Kotlin compare before they retry with the body
    assert (unknown.status_code, unknown.json()) == (
        200,
        {
            "errors": [
                {
                    "message": "PersistedQueryNotFound",
                    "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
                }
            ]
        },
    )
    assert registered.json() == by_hash_alone.json() == {"data": {"__typename": "Query"}}
    assert (forged.status_code, forged.json()["errors"][0]["extensions"]["code"]) == (
        400,
        "PERSISTED_QUERY_HASH_MISMATCH",
    )


def test_registered_documents_are_bounded_in_number_and_size() -> None:
    store = Registered(max_documents=3, max_bytes=100)
    for i in range(5):
        store.add(f"h{i}", f"query Q{i} {{ __typename }}")
    store.add("big", "x" * 101)

    assert len(store) == 3
    assert (store.get("h0"), store.get("big"), store.get("h4")) == (
        None,
        None,
        "query Q4 { __typename }",
    )


@pytest.mark.parametrize(
    ("request_kwargs", "status", "code"),
    [
        (
            {
                "json": {
                    "query": "query A { __typename } query B { __typename }",
                    "operationName": "C",
                }
            },
            400,
            "OPERATION_NAME_INVALID",
        ),
        ({"json": {"variables": {}}}, 400, "QUERY_MISSING"),
        ({"json": [{"query": "{ __typename }"}] * 2}, 400, "BATCH_NOT_ALLOWED"),
        ({"method": "GET", "params": {"query": "{ __typename }"}}, 405, "METHOD_NOT_ALLOWED"),
        ({"method": "PUT", "json": {"query": "{ __typename }"}}, 405, "METHOD_NOT_ALLOWED"),
        ({"data": {"query": "{ __typename }"}}, 415, "UNSUPPORTED_MEDIA_TYPE"),
        (
            {"content": b"{ __typename }", "headers": {"content-type": "text/plain"}},
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        ),
        (
            {"content": b"x" * 70_000, "headers": {"content-type": "application/json"}},
            413,
            "PAYLOAD_TOO_LARGE",
        ),
        (
            {"content": b'{"query": "\xff"}', "headers": {"content-type": "application/json"}},
            400,
            "BAD_REQUEST",
        ),
        (
            {"content": b"{not json", "headers": {"content-type": "application/json"}},
            400,
            "BAD_REQUEST",
        ),
        ({"json": {"query": 42}}, 400, "BAD_REQUEST"),
    ],
    ids=[
        "unknown-operation-name",
        "no-query",
        "batch",
        "get",
        "put",
        "form",
        "text",
        "too-large",
        "not-utf8",
        "not-json",
        "query-not-a-string",
    ],
)
async def test_every_refusal_is_graphql_json_with_a_code(
    api: GraphQL, request_kwargs: dict, status: int, code: str
) -> None:
    kwargs = dict(request_kwargs)
    method = kwargs.pop("method", "POST")

    response = await api.client.request(method, "/graphql", **kwargs)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"][0]["extensions"] == {"code": code}
    assert body["errors"][0]["message"]
    assert len(response.headers["x-request-id"]) == 32
