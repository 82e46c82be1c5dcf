"""App builds' manifests, registered by the operator: Apollo's persisted query manifest and
GraphQL Code Generator's persisted-documents.json, checked whole before anything is stored,
run by every serve within seconds, stopped when retired."""

import json
import math
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from models import AppManifest, ManifestDocument
from schema.api import build_schema
from schema.documents import ManifestRefused, sha256
from server import trusted
from server.app import create_app
from server.endpoint import CustomerEndpoint
from server.settings import Settings
from services.runtime import Runtime
from tests.conftest import TEST_SECRET
from tests.helpers import wallet_closure
from tests.operations import CREATE_CAPTCHA

# What Apollo's manifest generator makes of the contract's CreateCaptcha: __typename added.
APOLLO_BODY = (
    "mutation CreateCaptcha($purpose: CaptchaPurpose!) {\n  createCaptcha(purpose: "
    "$purpose) {\n    captchaId\n    imageDataUrl\n    expiresAt\n    __typename\n"
    "  }\n}"
)
# And what the client preset prints: fields sorted, on one line.
PRESET_BODY = (
    "mutation CreateCaptcha($purpose: CaptchaPurpose!) { createCaptcha(purpose: "
    "$purpose) { captchaId expiresAt imageDataUrl } }"
)
VARIABLES = {"purpose": "LOGIN"}


def apollo_manifest(*bodies: str) -> str:
    return json.dumps(
        {
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [
                {"id": sha256(b), "name": "CreateCaptcha", "type": "mutation", "body": b}
                for b in bodies
            ],
        }
    )


@pytest.fixture
async def production(
    orm: str, runtime: Runtime
) -> AsyncIterator[tuple[httpx.AsyncClient, CustomerEndpoint]]:
    settings = Settings(
        env="production",
        secret_key=TEST_SECRET.decode(),
        database_url=orm,
        sms_backend="webhook",
        sms_webhook_url="http://sms.test/send",
    )
    app: Starlette = create_app(settings, runtime, manage_orm=False)
    endpoint = next(r.app for r in app.routes if getattr(r, "path", "") == "/graphql")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://wallet.test"
    ) as client:
        yield client, endpoint


def seconds_pass(endpoint: CustomerEndpoint) -> None:
    """As if REFRESH_SECONDS had passed since the endpoint last looked."""
    endpoint.documents.refreshed_at = -math.inf


def code(response: httpx.Response) -> str | None:
    errors = response.json().get("errors")
    return errors[0]["extensions"]["code"] if errors else None


async def test_registered_app_builds_run_by_hash_id_and_body_until_retired(
    production: tuple[httpx.AsyncClient, CustomerEndpoint], runtime: Runtime
) -> None:
    client, endpoint = production

    async def by_every_name() -> list[httpx.Response]:
        return [
            await client.post("/graphql", json=body)
            for body in (
                {"query": APOLLO_BODY, "variables": VARIABLES},
                {
                    "extensions": {
                        "persistedQuery": {"version": 1, "sha256Hash": sha256(APOLLO_BODY)}
                    },
                    "variables": VARIABLES,
                },
                {"documentId": f"sha256:{sha256(PRESET_BODY)}", "variables": VARIABLES},
            )
        ]

    before = await by_every_name()
    await trusted.add(
        build_schema()._schema,
        apollo_manifest(APOLLO_BODY),
        app="ios",
        version="3.0.1",
        now=runtime.clock.now(),
    )
    await trusted.add(
        build_schema()._schema,
        json.dumps({f"sha256:{sha256(PRESET_BODY)}": PRESET_BODY}),
        app="android",
        version="3.0.4",
        now=runtime.clock.now(),
    )
    seconds_pass(endpoint)
    registered = await by_every_name()
    await trusted.retire(app="ios", version="3.0.1", now=runtime.clock.now())
    seconds_pass(endpoint)
    retired = await by_every_name()

    assert [code(r) for r in before] == ["PERSISTED_QUERY_NOT_IN_LIST"] * 3
    for answer in registered:
        assert answer.json()["data"]["createCaptcha"]["captchaId"], answer.text
    assert registered[0].json()["data"]["createCaptcha"]["__typename"] == "CaptchaPayload"
    assert [code(r) for r in retired] == ["PERSISTED_QUERY_NOT_IN_LIST"] * 2 + [None]
    # the contract's own documents stay trusted throughout
    contract = await client.post("/graphql", json={"query": CREATE_CAPTCHA, "variables": VARIABLES})
    assert code(contract) is None


async def test_a_manifest_with_one_bad_document_registers_nothing(runtime: Runtime) -> None:
    broken = APOLLO_BODY.replace("captchaId", "captchaIdentifier")
    forged = json.dumps({"sha256:" + "0" * 64: PRESET_BODY})

    with pytest.raises(ManifestRefused) as refused:
        await trusted.add(
            build_schema()._schema,
            apollo_manifest(APOLLO_BODY, broken),
            app="ios",
            version="3.0.2",
            now=runtime.clock.now(),
        )
    with pytest.raises(ManifestRefused) as wrong_id:
        await trusted.add(
            build_schema()._schema, forged, app="ios", version="3.0.3", now=runtime.clock.now()
        )

    assert refused.value.problems == [
        "CreateCaptcha: Cannot query field 'captchaIdentifier' on type 'CaptchaPayload'."
    ]
    assert wrong_id.value.problems == ["CreateCaptcha: its id is not the SHA-256 of its body"]
    assert await AppManifest.all().count() == await ManifestDocument.all().count() == 0


async def test_the_operator_adds_lists_and_retires_on_the_command_line(
    orm: str, tmp_path: Path
) -> None:
    env = {"WALLET_DATABASE_URL": orm, "WALLET_SECRET_KEY": TEST_SECRET.decode()}
    (tmp_path / "manifest.json").write_text(apollo_manifest(APOLLO_BODY))
    (tmp_path / "broken.json").write_text(apollo_manifest("mutation CreateCaptcha { nope }"))

    added = wallet_closure(
        "trusted-documents",
        "add",
        "manifest.json",
        "--app",
        "ios",
        "--version",
        "3.0.1",
        cwd=tmp_path,
        env=env,
    )
    broken = wallet_closure(
        "trusted-documents",
        "add",
        "broken.json",
        "--app",
        "ios",
        "--version",
        "3.0.2",
        cwd=tmp_path,
        env=env,
    )
    retired = wallet_closure(
        "trusted-documents", "retire", "--app", "ios", "--version", "3.0.1", cwd=tmp_path, env=env
    )
    listed = wallet_closure("trusted-documents", "list", cwd=tmp_path, env=env)

    assert (added.returncode, added.stdout.split(" (")[0]) == (
        0,
        "ios 3.0.1: 1 documents registered",
    )
    assert broken.returncode == 1
    assert broken.stderr.splitlines() == [
        "refused: CreateCaptcha: Cannot query field 'nope' on type 'Mutation'.",
        "nothing registered",
    ]
    assert retired.returncode == 0
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert rows[0] == ["app", "version", "documents", "added", "retired"]
    assert [(r[0], r[1], r[2], r[4] != "-") for r in rows[1:]] == [("ios", "3.0.1", "1", True)]
