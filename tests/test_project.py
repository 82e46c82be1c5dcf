"""The project holds together: migrations match the models, the schema file and the contract
match the served schema, and each layer imports only the layers below it."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from schema.api import build_schema
from schema.staff.api import build_staff_schema

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CONTRACT_CHECK = SHARED / "tools" / "check_contract.py"

# package -> packages of ours it must never import
FORBIDDEN = {
    "models": {"services", "resolvers", "schema", "server"},
    "services": {"resolvers", "schema", "server", "strawberry", "starlette"},
    "resolvers": {"server", "tortoise"},  # model classes as types only, never a query
    "schema": {"server"},
}


def test_the_migrations_match_the_models() -> None:
    # In its own process: the autodetector binds the model classes to a scratch database.
    result = subprocess.run([sys.executable, "-m", "server.cli", "makemigrations", "--check"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "no changes"), result.stdout


def test_the_committed_schema_file_is_the_served_schema() -> None:
    committed = (ROOT / "schema" / "schema.graphql").read_text()
    assert committed == build_schema().as_str() + "\n", "run `wallet-closure export-schema`"


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="needs ../shared beside the checkout")
def test_every_contract_operation_validates_against_the_schema() -> None:
    result = subprocess.run([sys.executable, str(CONTRACT_CHECK), str(ROOT / "schema" /
                                                                      "schema.graphql")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 failed")


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="needs ../shared beside the checkout")
def test_every_staff_contract_operation_validates_against_the_staff_schema() -> None:
    result = subprocess.run([sys.executable, str(CONTRACT_CHECK), "--staff",
                             str(ROOT / "schema" / "staff.graphql")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 failed")


def test_the_committed_staff_schema_file_is_the_served_staff_schema() -> None:
    committed = (ROOT / "schema" / "staff.graphql").read_text()
    assert committed == build_staff_schema().as_str() + "\n", (
        "run `wallet-closure export-schema --staff`")


def test_neither_schema_shows_the_other_ones_types_or_fields() -> None:
    customer, desk = build_schema(), build_staff_schema()
    shared = {"PageInfo", "Query", "Mutation"}
    customer_types = {name for name in customer._schema.type_map if not name.startswith("__")}
    desk_types = {name for name in desk._schema.type_map if not name.startswith("__")}
    assert customer_types & desk_types - shared == {"Boolean", "ID", "Int", "String", "DateTime"}
    customer_fields = set(customer._schema.query_type.fields) | set(
        customer._schema.mutation_type.fields)
    desk_fields = set(desk._schema.query_type.fields) | set(desk._schema.mutation_type.fields)
    assert customer_fields & desk_fields == set()


@pytest.mark.skipif(not SHARED.exists(), reason="needs ../shared beside the checkout")
@pytest.mark.parametrize("contract", ["mobile-operations.graphql", "staff-operations.graphql"])
def test_the_contract_copy_is_the_shared_contract(contract: str) -> None:
    original = SHARED / "contract" / contract
    assert (ROOT / "tests" / "contract" / contract).read_text() == original.read_text()


# capability package inside services/ -> the capabilities it may import (besides the kernel
# at the root of services/, which imports none of them)
CAPABILITIES = {
    "records": set(),
    "notify": set(),
    "money": {"records", "notify"},
    "identity": {"money", "records", "notify"},
    "closure": {"identity", "money", "records", "notify"},
    "support": {"closure", "identity", "money", "records", "notify"},
}


def dotted_imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            if node.module == "services":  # `from services import audit` names a module
                names |= {f"services.{alias.name}" for alias in node.names}
    return names


def imports_of(path: Path) -> set[str]:
    return {name.split(".")[0] for name in dotted_imports_of(path)}


def capabilities_imported_by(path: Path) -> set[str]:
    return {name.split(".")[1] for name in dotted_imports_of(path)
            if name.startswith("services.") and name.split(".")[1] in CAPABILITIES}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_only_import_downwards(package: str) -> None:
    wrong = {str(path.relative_to(ROOT)): sorted(imports_of(path) & FORBIDDEN[package])
             for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_every_services_module_belongs_to_the_kernel_or_a_known_capability() -> None:
    folders = {p.parent.name for p in (ROOT / "services").rglob("*.py")} - {"services"}
    assert folders == set(CAPABILITIES)


@pytest.mark.parametrize("capability", [None, *sorted(CAPABILITIES)])
def test_capabilities_only_import_what_they_build_on(capability: str | None) -> None:
    folder = ROOT / "services" / capability if capability else ROOT / "services"
    paths = folder.rglob("*.py") if capability else folder.glob("*.py")
    allowed = CAPABILITIES[capability] | {capability} if capability else set()
    wrong = {str(path.relative_to(ROOT)): sorted(capabilities_imported_by(path) - allowed)
             for path in paths}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_schema_types_do_not_import_resolvers() -> None:
    assert "resolvers" not in imports_of(ROOT / "schema" / "types.py")
