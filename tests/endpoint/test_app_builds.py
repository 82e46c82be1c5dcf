"""App builds as app teams make them, with their real tools (tests/apps, installed by `make
test` from its npm lock): Apollo's persisted query manifest generator and GraphQL Code
Generator's client preset write manifests from the contract's documents, the operator
registers both, a real Apollo Client with the persisted-query link closes an account with
hashes only on the wire, the preset's ids run by `documentId`, a retired version stops, and a
production server runs a registered hash."""

import json
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.endpoint.test_observability import call
from tests.helpers import ROOT, migrated, production_env, served, wallet_closure

pytestmark = pytest.mark.own_sqlite

APPS = ROOT / "tests" / "apps"
CONTRACT = ROOT / "tests" / "contract" / "mobile-operations.graphql"
GUIDE = (ROOT / "docs" / "mobile-guide.md").read_text()


def guide_block(language: str, holding: str) -> str:
    """The mobile guide's code block in `language` that holds `holding`: the configuration
    app teams copy."""
    [block] = [b for b in re.findall(rf"```{language}\n(.*?)```", GUIDE, re.S) if holding in b]
    return block


def tool(name: str, *args: str, cwd: Path) -> None:
    subprocess.run(
        [str(APPS / "node_modules" / ".bin" / name), *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Apollo's and the client preset's manifests, made once for the module's tests."""
    return app_build(tmp_path_factory.mktemp("app-build"))


def app_build(tmp_path: Path) -> tuple[Path, Path]:
    """An app's folder with the contract's documents (Apollo's generator takes one operation
    a file), and the two manifests its tools write from them."""
    assert (APPS / "node_modules").is_dir(), "`make test` installs the tools (tests/apps)"
    app = tmp_path / "app"
    (app / "contract" / "operations").mkdir(parents=True)
    (app / "schema").mkdir()
    (app / "node_modules").symlink_to(APPS / "node_modules")
    (app / "schema" / "schema.graphql").write_text((ROOT / "schema" / "schema.graphql").read_text())
    text = CONTRACT.read_text()
    (app / "contract" / "mobile-operations.graphql").write_text(text)
    for operation in re.findall(r"^(?:query|mutation) \w+.*?^}", text, re.M | re.S):
        name = operation.split()[1].split("(")[0]
        (app / "contract" / "operations" / f"{name}.graphql").write_text(operation + "\n")
    (app / "codegen.ts").write_text(guide_block("ts", "persistedDocuments"))
    (app / "persisted-query-manifest.config.json").write_text(guide_block("json", "documents"))
    tool("graphql-codegen", "--config", "codegen.ts", cwd=app)
    tool("generate-persisted-query-manifest", cwd=app)
    return app / "persisted-query-manifest.json", app / "src" / "gql" / "persisted-documents.json"


def codes(answer: tuple[int, dict, bytes]) -> list[str]:
    return [e["extensions"]["code"] for e in json.loads(answer[2]).get("errors", [])]


def test_app_builds_made_with_the_real_tools_run_by_hash(
    tmp_path: Path, manifests: tuple[Path, Path]
) -> None:
    apollo, preset = manifests
    operations = json.loads(apollo.read_text())["operations"]
    ids = json.loads(preset.read_text())
    contract_ids = {
        o["id"] for o in json.loads((ROOT / "schema" / "operations.json").read_text())["operations"]
    }
    env = {
        "WALLET_TRUSTED_DOCUMENTS": "on",
        "WALLET_SMS_BACKEND": "file",
        "WALLET_SMS_FILE": str(tmp_path / "sms.jsonl"),
        "WALLET_CAPTCHA_TEST_ANSWER": "TEST",
    }
    migrated(env, cwd=tmp_path)
    for manifest, app in ((apollo, "web"), (preset, "ios")):
        added = wallet_closure(
            "trusted-documents", "add", str(manifest), "--app", app, "--version", "1.0",
            cwd=tmp_path, env=env,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    with served(tmp_path, env=env, worker=True) as (root, _):
        flow = subprocess.run(
            [
                *("node", str(APPS / "flow.mjs"), f"{root}/graphql", str(apollo)),
                *(str(tmp_path / "sms.jsonl"), "13800000002", "Demo-pass-2", "TEST"),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        me_id = next(i for i, body in ids.items() if body.startswith("query Me"))
        by_document_id = call(f"{root}/graphql", {"documentId": me_id})
        retired = wallet_closure(
            "trusted-documents", "retire", "--app", "ios", "--version", "1.0", cwd=tmp_path, env=env
        )
        time.sleep(6)  # every serve looks again within REFRESH_SECONDS
        after_retiring = call(f"{root}/graphql", {"documentId": me_id})
        apollo_still = call(f"{root}/graphql", persisted(operations, "Me"))

    assert flow.returncode == 0, flow.stderr
    seen = json.loads(flow.stdout)
    assert seen["me"]["phoneMasked"] == "138****0002" and seen["canClose"] is True
    assert seen["errors"] == [[], [], [], []] and seen["state"] == "CONFIRMED"
    assert seen["receipt"] is True
    assert seen["queriesOnTheWire"] == 0 and seen["requests"] == 8
    assert set(seen["hashes"]) <= {o["id"] for o in operations}
    assert not set(seen["hashes"]) & contract_ids  # the generator's own bodies (__typename)
    assert all(i.startswith("sha256:") and i[7:] not in contract_ids for i in ids)
    assert codes(by_document_id) == ["UNAUTHENTICATED"]  # it ran: Me needs a login
    assert retired.returncode == 0
    assert codes(after_retiring) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    assert codes(apollo_still) == ["UNAUTHENTICATED"]


def persisted(operations: list[dict[str, Any]], name: str) -> dict[str, Any]:
    [found] = [o for o in operations if o["name"] == name]
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": found["id"]}}}


def test_a_production_server_runs_a_registered_hash(
    tmp_path: Path, manifests: tuple[Path, Path]
) -> None:
    apollo, _ = manifests
    operations = json.loads(apollo.read_text())["operations"]
    production = production_env(tmp_path)
    migrated(production, cwd=tmp_path)
    added = wallet_closure(
        "trusted-documents", "add", str(apollo), "--app", "android", "--version", "3.0.4",
        cwd=tmp_path, env=production,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    with served(tmp_path, demo_data=False, env=production) as (root, _):
        registered = call(f"{root}/graphql", persisted(operations, "Me"))
        unknown = call(
            f"{root}/graphql",
            {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
        )

    assert codes(registered) == ["UNAUTHENTICATED"]
    assert codes(unknown) == ["PERSISTED_QUERY_NOT_IN_LIST"]
