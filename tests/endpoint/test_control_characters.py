"""NUL and other control characters in any text input of either contract are INVALID_INPUT
naming the field, before anything reaches the database: PostgreSQL would refuse NUL with an
exception, SQLite would store it."""

from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLScalarType,
)

from models import StaffRole
from schema.api import build_schema
from schema.staff.api import build_staff_schema
from services.runtime import Runtime
from tests.desk import desk
from tests.helpers import GraphQL

PROBES = ["a\x00b", "a\x1bb", "\x7f", "a\u202eb", "a\u2066b"]


def text_inputs(schema) -> list[tuple[str, str, str]]:
    """(mutation, input type, field) for every String or ID field of every mutation input."""
    found = []
    for name, field in schema._schema.mutation_type.fields.items():
        if "input" not in field.args:
            continue
        input_type = field.args["input"].type.of_type
        assert isinstance(input_type, GraphQLInputObjectType)
        for field_name, input_field in input_type.fields.items():
            scalar = getattr(input_field.type, "of_type", input_field.type)
            if isinstance(scalar, GraphQLScalarType) and scalar.name in ("String", "ID"):
                found.append((name, input_type.name, field_name))
    return found


def harmless(input_type: GraphQLInputObjectType) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, field in input_type.fields.items():
        kind = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        if isinstance(kind, GraphQLEnumType):
            values[name] = next(iter(kind.values))
        elif kind.name == "Boolean":
            values[name] = True
        elif kind.name == "Int":
            values[name] = 1
        else:
            values[name] = "00000000-0000-4000-8000-000000000000" if kind.name == "ID" else "ok"
    return values


CUSTOMER = build_schema()
STAFF = build_staff_schema()
CASES = [("/graphql", *case) for case in text_inputs(CUSTOMER)] + [
    ("/staff/graphql", *case) for case in text_inputs(STAFF)
]


def test_the_sweep_covers_both_contracts() -> None:
    assert len({c[1] for c in CASES if c[0] == "/graphql"}) == 11
    assert len({c[1] for c in CASES if c[0] == "/staff/graphql"}) == 8


@pytest.mark.parametrize(
    "probe",
    PROBES,
    ids=["nul", "escape", "delete", "right-to-left-override", "left-to-right-isolate"],
)
@pytest.mark.parametrize(
    ("path", "mutation", "input_type", "field"), CASES, ids=[f"{c[1]}.{c[3]}" for c in CASES]
)
async def test_a_control_character_is_invalid_input_naming_the_field(
    api: GraphQL,
    runtime: Runtime,
    path: str,
    mutation: str,
    input_type: str,
    field: str,
    probe: str,
) -> None:
    schema = CUSTOMER if path == "/graphql" else STAFF
    variables = harmless(schema._schema.type_map[input_type])
    variables[field] = probe
    headers = {"Accept-Language": "en"}
    if path == "/staff/graphql":
        boss = await desk(api, runtime, "boss", StaffRole.SUPERVISOR)
        headers["Authorization"] = f"Bearer {boss.token}"
    document = (
        f"mutation($input: {input_type}!) {{ {mutation}(input: $input) "
        "{ errors { code field } } }"
    )

    response = await api.client.post(
        path, headers=headers, json={"query": document, "variables": {"input": variables}}
    )

    assert response.status_code == 200
    assert response.json() == {
        "data": {mutation: {"errors": [{"code": "INVALID_INPUT", "field": field}]}}
    }
