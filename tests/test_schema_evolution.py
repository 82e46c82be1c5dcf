"""The served schema against the last released one: every breaking or dangerous change must
be named in the release notes (CHANGELOG.md) before it ships."""

from pathlib import Path

import pytest
from graphql import build_schema, find_breaking_changes, find_dangerous_changes

from schema import docs
from schema.api import build_schema as served_schema
from schema.staff import docs as staff_docs
from schema.staff.api import build_staff_schema

ROOT = Path(__file__).resolve().parents[1]


def last_released() -> Path:
    return max(
        (ROOT / "schema" / "released").glob("*.graphql"),
        key=lambda p: tuple(int(n) for n in p.stem.split(".")),
    )


def unannounced(old_sdl: str, new_sdl: str, notes: str) -> list[str]:
    old, new = build_schema(old_sdl), build_schema(new_sdl)
    changes = [*find_breaking_changes(old, new), *find_dangerous_changes(old, new)]
    return [c.description for c in changes if c.description not in notes]


def test_every_breaking_or_dangerous_change_is_in_the_release_notes() -> None:
    notes = (ROOT / "CHANGELOG.md").read_text()
    current = notes.split("\n## ")[1]  # the release in progress, the first section
    assert unannounced(last_released().read_text(), served_schema().as_str(), current) == []


def test_the_guard_fails_on_a_removed_field() -> None:
    old = "type Query { me: String, balance: String }"
    new = "type Query { me: String }"
    assert unannounced(old, new, "") == ["Field Query.balance was removed."]
    assert unannounced(old, new, "- Field Query.balance was removed.") == []


@pytest.mark.parametrize(
    ("build", "entries"),
    [(served_schema, docs.DOCS), (build_staff_schema, staff_docs.DOCS)],
    ids=["apps", "desk"],
)
def test_every_type_field_argument_and_enum_value_is_described(build, entries) -> None:
    schema = build()._schema
    assert docs.undescribed(schema) == []
    assert [key for key in entries if key not in dict(docs.items(schema))] == []
