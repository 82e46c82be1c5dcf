"""What the project uses of strawberry beyond its public API, in one place, checked when the
server starts (`problems`): an upgrade that moves one of these stops the boot with a message
instead of changing answers. pyproject.toml bounds strawberry to the minor version they were
read from.

- `Schema._schema`: the graphql-core schema strawberry built, which the short path
  (server/prepared.py) validates and executes against and schema/docs.py describes.
- The back-reference from a graphql-core field to its strawberry field
  (`GraphQLCoreConverter.DEFINITION_BACKREF`), and on that `is_basic_field`,
  `default_resolver` and `python_name`: which fields a shape may read as plain attributes,
  and how strawberry reads them.
- `StrawberryGraphQLCoreExecutionContext`, strawberry's executor, which the short path
  extends, and `optimized_is_awaitable`, which it passes graphql-core as strawberry does.
"""

import inspect
from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLSchema
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

__all__ = ["StrawberryGraphQLCoreExecutionContext", "optimized_is_awaitable"]


def graphql_schema(schema: strawberry.Schema) -> GraphQLSchema:
    return schema._schema


def plain_reader(field: GraphQLField) -> Callable[[Any], Any] | None:
    """How strawberry reads this field from its parent when it is a plain attribute (no
    resolver, no extensions); None when it is not."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or not definition.is_basic_field:
        return None
    read, name = definition.default_resolver, definition.python_name
    return lambda parent: read(parent, name)


def problems() -> list[str]:
    """What of the above this strawberry no longer has, one line each."""
    found = []

    @strawberry.type
    class Query:
        plain: int = 1

        @strawberry.field
        def resolved(self) -> int:
            return 2

    try:
        fields = graphql_schema(strawberry.Schema(query=Query)).query_type.fields  # type: ignore[union-attr]
        if plain_reader(fields["plain"]) is None or plain_reader(fields["resolved"]) is not None:
            found.append("strawberry: plain fields are no longer told by is_basic_field")
        elif plain_reader(fields["plain"])(Query()) != 1:  # type: ignore[misc]
            found.append("strawberry: a plain field is no longer read by its default_resolver")
    except (AttributeError, KeyError, TypeError) as error:
        found.append(f"strawberry: Schema._schema or its field back-reference moved ({error!r})")
    if not inspect.isclass(StrawberryGraphQLCoreExecutionContext):
        found.append("strawberry: StrawberryGraphQLCoreExecutionContext is no executor class")
    return found
