"""`make test` runs mypy strict over the project before the tests; here, that it catches a
resolver of one surface wired to the other's context."""

import subprocess
import sys
from pathlib import Path

import pytest
from graphql import build_schema

from schema.api import build_schema as served_schema
from services.records.staff_audit import StaffAuditAction

ROOT = Path(__file__).resolve().parents[1]

# No database: the SQLite pass runs these, the PostgreSQL pass leaves them out.
pytestmark = pytest.mark.own_sqlite

WRONG = """
from strawberry.types import Info

from resolvers.account import me
from resolvers.staff.context import StaffContext


async def staff_field(info: Info[StaffContext, None]) -> None:
    await me(info)  # a customer resolver called with the desk's context
"""


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_staff_context_passed_to_a_customer_resolver_is_a_type_error(tmp_path: Path) -> None:
    snippet = tmp_path / "wrong.py"
    snippet.write_text(WRONG)

    result = mypy("--strict", "--follow-imports=silent", str(snippet))

    assert result.returncode == 1
    assert 'incompatible type "Info[StaffContext, None]"' in result.stdout


def test_the_apps_error_codes_did_not_grow_with_the_support_desk() -> None:
    released = build_schema((ROOT / "schema" / "released" / "1.0.graphql").read_text())
    served = served_schema()._schema
    assert set(served.type_map["ErrorCode"].values) == set(released.type_map["ErrorCode"].values)


def test_staff_actions_stay_out_of_the_apps_audit_enum() -> None:
    released = build_schema((ROOT / "schema" / "released" / "1.0.graphql").read_text())
    served = set(served_schema()._schema.type_map["AuditAction"].values)
    notes = (ROOT / "CHANGELOG.md").read_text()
    added = served - set(released.type_map["AuditAction"].values)
    assert all(f"AuditAction.{value} was added" in notes for value in added)
    # the one name both logs use, each for its own event (the customer's request refused;
    # a supervisor's decision), from two separate enums
    assert served & {action.value for action in StaffAuditAction} == {"CLOSURE_REJECTED"}
