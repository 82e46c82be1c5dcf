"""Bad input gets a typed error or a 4xx, never a 5xx or a trace, and changes nothing."""

import json
from typing import Any

import pytest

from models import Account, AuditEntry, Challenge, OutboxMessage, PasswordThrottle, Session
from services.runtime import Runtime
from tests import factories
from tests.helpers import GraphQL
from tests.operations import (
    CREATE_CAPTCHA,
    LOGIN_WITH_CODE,
    LOGIN_WITH_PASSWORD,
    ME,
    SECURITY_LOG,
    SEND_LOGIN_CODE,
)

HUGE = "9" * 10_240


async def snapshot() -> list[int]:
    return [
        await m.all().count()
        for m in (Account, AuditEntry, Challenge, OutboxMessage, PasswordThrottle, Session)
    ]


@pytest.mark.parametrize(
    ("document", "input", "code", "field"),
    [
        (
            SEND_LOGIN_CODE,
            {"phone": "12345", "captchaId": "x", "captchaAnswer": "x"},
            "INVALID_PHONE",
            "phone",
        ),
        (
            SEND_LOGIN_CODE,
            {"phone": "", "captchaId": "", "captchaAnswer": ""},
            "INVALID_PHONE",
            "phone",
        ),
        (
            SEND_LOGIN_CODE,
            {"phone": HUGE, "captchaId": HUGE, "captchaAnswer": HUGE},
            "INVALID_PHONE",
            "phone",
        ),
        (
            SEND_LOGIN_CODE,
            {"phone": "13900000001", "captchaId": HUGE, "captchaAnswer": HUGE},
            "CAPTCHA_INVALID",
            "captchaId",
        ),
        (
            LOGIN_WITH_CODE,
            {"phone": "+86 139 0000 0001", "code": "", "deviceName": ""},
            "INVALID_INPUT",
            "code",
        ),
        (
            LOGIN_WITH_CODE,
            {"phone": "13900000001", "code": HUGE, "deviceName": HUGE},
            "INVALID_INPUT",
            "code",
        ),
        (
            LOGIN_WITH_CODE,
            {"phone": "not a phone", "code": "123456", "deviceName": ""},
            "INVALID_PHONE",
            "phone",
        ),
        (
            LOGIN_WITH_PASSWORD,
            {"phone": "13900000001", "password": "", "deviceName": ""},
            "INVALID_INPUT",
            "password",
        ),
        (
            LOGIN_WITH_PASSWORD,
            {"phone": "13900000001", "password": HUGE, "deviceName": ""},
            "INVALID_INPUT",
            "password",
        ),
        (
            LOGIN_WITH_PASSWORD,
            {"phone": "13900000001", "password": factories.PASSWORD, "deviceName": HUGE},
            "INVALID_INPUT",
            "deviceName",
        ),
    ],
)
async def test_bad_values_get_a_typed_error_and_change_nothing(
    api: GraphQL, runtime: Runtime, document: str, input: dict[str, Any], code: str, field: str
) -> None:
    # given
    await factories.account(runtime)
    before = await snapshot()

    # when
    body = await api.post(document, {"input": input}, lang="en")

    # then
    (payload,) = body["data"].values()
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)]
    assert payload.get("token") is None
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (CREATE_CAPTCHA, {"purpose": "PAYMENT"}),
        (CREATE_CAPTCHA, {"purpose": 3}),
        (CREATE_CAPTCHA, {}),
        (LOGIN_WITH_PASSWORD, {"input": {"phone": 13900000001, "password": True}}),
        (LOGIN_WITH_PASSWORD, {"input": "13900000001"}),
        (SECURITY_LOG, {"first": "ten"}),
        (SECURITY_LOG, {"first": 2**40}),
    ],
)
async def test_wrong_types_are_refused_before_running(
    api: GraphQL, document: str, variables: dict[str, Any]
) -> None:
    before = await snapshot()

    response = await api.client.post("/graphql", json={"query": document, "variables": variables})

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None and body["errors"][0]["message"]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    assert "Traceback" not in response.text
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("query { me { id ", "GRAPHQL_PARSE_FAILED"),
        ("query { me { noSuchField } }", "GRAPHQL_VALIDATION_FAILED"),
        ("query($id: ID!) { closureRequest(id: $id) { id } }", "BAD_USER_INPUT"),
        ("query { " + "a: __typename " * 101 + "}", "GRAPHQL_VALIDATION_FAILED"),
        ("query { " + "__typename " * 2001 + "}", "GRAPHQL_VALIDATION_FAILED"),
    ],
    ids=["syntax", "unknown-field", "missing-variable", "too-many-aliases", "too-many-tokens"],
)
async def test_every_error_of_a_document_carries_apollos_code(
    api: GraphQL, document: str, code: str
) -> None:
    response = await api.client.post("/graphql", json={"query": document})

    assert (response.status_code, response.json()["data"]) == (200, None)
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == [code]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b'{"query": 5}', "application/json"),
        (b'{"query": ["{ me { id } }"]}', "application/json"),
        (b'{"query": {"text": "{ me { id } }"}}', "application/json"),
        (json.dumps({"query": ME, "operationName": ["Me"]}).encode(), "application/json"),
        (json.dumps({"query": ME, "variables": ["x"]}).encode(), "application/json"),
        (b'"just a string"', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"query={me{id}}", "application/x-www-form-urlencoded"),
        (b"{me{id}}", "text/plain"),
    ],
)
async def test_malformed_bodies_get_a_4xx(api: GraphQL, content: bytes, content_type: str) -> None:
    response = await api.client.post(
        "/graphql", content=content, headers={"content-type": content_type}
    )

    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("document", "input"),
    [
        (LOGIN_WITH_PASSWORD, {"phone": "13900000001", "password": "\ud800", "deviceName": ""}),
        (LOGIN_WITH_PASSWORD, {"phone": "139\ud80000000001", "password": "x", "deviceName": ""}),
        (
            LOGIN_WITH_PASSWORD,
            {"phone": "13900000001", "password": factories.PASSWORD, "deviceName": "\udfff"},
        ),
        (LOGIN_WITH_CODE, {"phone": "13900000001", "code": "12345\ud800", "deviceName": ""}),
        (
            SEND_LOGIN_CODE,
            {"phone": "13900000001", "captchaId": "\ud800", "captchaAnswer": "\ud800"},
        ),
    ],
)
@pytest.mark.parametrize("escaped", [True, False], ids=["escaped", "utf-8-bytes"])
async def test_unpaired_surrogates_are_refused(
    api: GraphQL, runtime: Runtime, document: str, input: dict, escaped: bool
) -> None:
    await factories.account(runtime)
    before = await snapshot()
    body = json.dumps({"query": document, "variables": {"input": input}}, ensure_ascii=escaped)

    response = await api.client.post(
        "/graphql",
        # json.loads decodes bytes with "surrogatepass": 0xED 0xA0 0x80 is a lone U+D800
        content=body.encode("utf-8", "surrogatepass"),
        headers={"content-type": "application/json"},
    )

    assert (response.status_code, response.json()) == (
        400,
        {
            "errors": [
                {"message": "The body must be UTF-8 text", "extensions": {"code": "BAD_REQUEST"}}
            ]
        },
    )
    assert await snapshot() == before


async def test_a_body_over_64_kib_is_refused(api: GraphQL) -> None:
    body = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * 70_000}})

    declared = await api.client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )

    async def chunks():  # no Content-Length: counted while it streams in
        for start in range(0, len(body), 8192):
            yield body[start : start + 8192].encode()

    streamed = await api.client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    # a small length declared beside chunks (a server that frames by the chunks): counted too
    mislabelled = await api.client.post(
        "/graphql",
        content=chunks(),
        headers={
            "content-type": "application/json",
            "content-length": "20",
            "transfer-encoding": "chunked",
        },
    )
    small = await api.client.post("/graphql", json={"query": "{ __typename }"})

    assert (declared.status_code, streamed.status_code, small.status_code) == (413, 413, 200)
    assert mislabelled.status_code == 413
    assert declared.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert streamed.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
