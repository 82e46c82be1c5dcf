"""The project holds together: migrations match the models, the schema file and the contract
match the served schema, and each layer imports only the layers below it."""

import ast
import importlib.metadata
import itertools
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from schema.api import build_schema
from schema.staff.api import build_staff_schema
from server import wiring

ROOT = Path(__file__).resolve().parents[1]

# No database: the SQLite pass runs these, the PostgreSQL pass leaves them out.
pytestmark = pytest.mark.own_sqlite
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
    result = subprocess.run(
        [sys.executable, "-m", "server.cli", "makemigrations", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stdout.strip()) == (0, "no changes"), result.stdout


def test_the_committed_schema_file_is_the_served_schema() -> None:
    committed = (ROOT / "schema" / "schema.graphql").read_text()
    assert committed == build_schema().as_str() + "\n", "run `wallet-closure export-schema`"


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="needs ../shared beside the checkout")
def test_every_contract_operation_validates_against_the_schema() -> None:
    result = subprocess.run(
        [sys.executable, str(CONTRACT_CHECK), str(ROOT / "schema" / "schema.graphql")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 failed")


@pytest.mark.skipif(not CONTRACT_CHECK.exists(), reason="needs ../shared beside the checkout")
def test_every_staff_contract_operation_validates_against_the_staff_schema() -> None:
    result = subprocess.run(
        [sys.executable, str(CONTRACT_CHECK), "--staff", str(ROOT / "schema" / "staff.graphql")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("0 failed")


def test_the_committed_staff_schema_file_is_the_served_staff_schema() -> None:
    committed = (ROOT / "schema" / "staff.graphql").read_text()
    assert committed == build_staff_schema().as_str() + "\n", (
        "run `wallet-closure export-schema --staff`"
    )


def test_neither_schema_shows_the_other_ones_types_or_fields() -> None:
    customer, desk = build_schema(), build_staff_schema()
    shared = {"PageInfo", "Query", "Mutation"}
    customer_types = {name for name in customer._schema.type_map if not name.startswith("__")}
    desk_types = {name for name in desk._schema.type_map if not name.startswith("__")}
    assert customer_types & desk_types - shared == {"Boolean", "ID", "Int", "String", "DateTime"}
    customer_fields = set(customer._schema.query_type.fields) | set(
        customer._schema.mutation_type.fields
    )
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
    return {
        name.split(".")[1]
        for name in dotted_imports_of(path)
        if name.startswith("services.") and name.split(".")[1] in CAPABILITIES
    }


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layers_only_import_downwards(package: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(imports_of(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_every_services_module_belongs_to_the_kernel_or_a_known_capability() -> None:
    folders = {p.parent.name for p in (ROOT / "services").rglob("*.py")} - {"services"}
    assert folders == set(CAPABILITIES)


@pytest.mark.parametrize("capability", [None, *sorted(CAPABILITIES)])
def test_capabilities_only_import_what_they_build_on(capability: str | None) -> None:
    folder = ROOT / "services" / capability if capability else ROOT / "services"
    paths = folder.rglob("*.py") if capability else folder.glob("*.py")
    allowed = CAPABILITIES[capability] | {capability} if capability else set()
    wrong = {
        str(path.relative_to(ROOT)): sorted(capabilities_imported_by(path) - allowed)
        for path in paths
    }
    assert {k: v for k, v in wrong.items() if v} == {}


def test_schema_types_do_not_import_resolvers() -> None:
    assert "resolvers" not in imports_of(ROOT / "schema" / "types.py")


def readme_table(header: str) -> list[str]:
    """The first column of the README's table that starts with `header`, without backticks."""
    lines = (ROOT / "README.md").read_text().splitlines()
    after = lines[lines.index(header) + 2 :]  # past the header and its |---| line
    rows = itertools.takewhile(lambda line: line.startswith("|"), after)
    return [row.split("|")[1].strip().strip("`") for row in rows]


def test_the_readme_layout_lists_every_folder_and_nothing_else() -> None:
    folders = {
        p.name + "/"
        for p in ROOT.iterdir()
        if p.is_dir()
        and not p.name.startswith(".")
        and not p.name.endswith(".egg-info")
        and p.name not in ("build", "__pycache__")
    }
    assert set(readme_table("| folder | what lives there | may import |")) == folders


def test_the_readme_names_every_kernel_module_and_capability() -> None:
    text = (ROOT / "README.md").read_text()
    kernel = text.split("The kernel of `services/`: ", 1)[1].split(". Each", 1)[0]
    listed = {name.strip() for name in kernel.replace("\n", " ").split(",")}
    modules = {p.stem for p in (ROOT / "services").glob("*.py") if p.stem != "__init__"}
    packages = {p.name + "/" for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists()}
    assert listed == modules
    assert set(readme_table("| package | what | may import |")) == packages


def test_the_readme_is_a_front_page_whose_links_all_lead_somewhere() -> None:
    text = (ROOT / "README.md").read_text()
    links = [link.split(")")[0] for link in text.split("](")[1:]]
    assert len(text.splitlines()) <= 150
    assert links and [link for link in links if not (ROOT / link).exists()] == []


def _name(requirement: str) -> str:
    """A distribution's name as PEP 503 normalises it."""
    name = re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return (
        {_name(r) for r in project["dependencies"]},
        {_name(r) for r in project["optional-dependencies"]["test"]},
    )


def _locked(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    return {
        _name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==([^ \\\n]+)", text, re.M)
    }


def test_every_library_the_code_imports_is_a_declared_dependency() -> None:
    ours = {"models", "resolvers", "schema", "server", "services"}
    imported: set[str] = set()
    for package in ours:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    imported.add(node.module.split(".")[0])
    third_party = imported - ours - set(sys.stdlib_module_names)
    runtime, _ = _declared()
    providers = importlib.metadata.packages_distributions()
    undeclared = {
        module
        for module in third_party
        if not {_name(d) for d in providers.get(module, [])} & runtime
    }
    assert undeclared == set()


@pytest.mark.parametrize(("lock", "groups"), [("run.lock", 1), ("test.lock", 2)])
def test_the_locks_pin_every_declared_dependency_and_the_venv_has_them(
    lock: str, groups: int
) -> None:
    declared = set().union(*_declared()[:groups])
    locked = _locked(lock)
    assert declared - set(locked) == set(), "run `make lock`"
    installed = {_name(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()}
    assert {n: v for n, v in locked.items() if installed.get(n) != v} == {}, "run `make test`"


def test_the_tests_are_grouped_by_the_capabilities_they_test() -> None:
    capabilities = {p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists()}
    groups = {p.name for p in (ROOT / "tests").iterdir() if (p / "__init__.py").exists()}
    # endpoint: what every request meets (limits, documents, logs); the rest of the tests at
    # the root hold the project together (layering, schema, migrations, commands, settings).
    assert groups == capabilities | {"endpoint"}
    for group in groups:
        assert list((ROOT / "tests" / group).glob("test_*.py")), group


PRIVATE_PARTS = ("._pool", "._connection", "._lock", "._schema", "_is_default")
PRIVATE_MODULES = {
    "schema/strawberry_private.py",
    "schema/graphql_private.py",
    "services/tortoise_private.py",
}


def test_the_private_parts_of_libraries_are_used_in_their_own_modules_only() -> None:
    reaching = {
        str(path.relative_to(ROOT))
        for package in ("models", "resolvers", "schema", "server", "services")
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        and any(part in path.read_text() for part in PRIVATE_PARTS)
    }
    assert reaching <= PRIVATE_MODULES
    assert wiring.private_parts_moved() == []  # the installed versions have them all
