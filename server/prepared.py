"""The apps' trusted documents on a short path.

Each is parsed and validated once, when the server starts; a request that sends one (as text
or by hash) is executed by graphql-core on the same schema, with the same resolvers, error
masking, logging and metrics, but without strawberry's per-request pipeline (HTTP adapter,
extension hooks, parse and validation caches), which costs more than the reads of `Me`.

And what a root field's resolver returns is turned into its answer by a shape compiled from
the document: graphql-core spends some 15 µs on every field it completes, walking the
selection and checking types a validated document already settled; a shape reads each field
(through strawberry's own resolver for it) and coerces each leaf in one call. A shape is
compiled only where every field below the root is a plain attribute; anything unusual in a
value (a null where none may be, a leaf that does not coerce) leaves it to graphql-core, which
completes the same value again and reports the error exactly as it always does.

Any other document takes strawberry's whole pipeline. `tests/endpoint/test_prepared.py` holds both
paths to the same answers.
"""

import contextlib
import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    parse,
    specified_rules,
    validate,
)
from graphql.execution import execute
from graphql.pyutils import Path
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.utils.await_maybe import await_maybe

from schema import limits
from services import tracing


class NotPlain(Exception):
    """A value a shape does not complete; graphql-core completes it instead (as it does
    after any error in a shape: a shape only reads and coerces, so it may run again)."""


class NoShape(Exception):
    """A selection a shape cannot complete (a resolver below the root, a fragment, ...)."""


Info = GraphQLResolveInfo[Any]
Shape = Callable[[Any, Info], Any]


def shape_of(type_: GraphQLOutputType, selection_set: SelectionSetNode | None) -> Shape:
    """How graphql-core completes a value of `type_` with this selection, for plain values."""
    if isinstance(type_, GraphQLNonNull):
        inner = shape_of(type_.of_type, selection_set)

        def non_null(value: Any, info: Info) -> Any:
            if value is None:
                raise NotPlain
            return inner(value, info)

        return non_null
    nullable = nullable_shape_of(type_, selection_set)

    def maybe(value: Any, info: Info) -> Any:
        return None if value is None else nullable(value, info)

    return maybe


def nullable_shape_of(type_: GraphQLOutputType, selection_set: SelectionSetNode | None) -> Shape:
    if isinstance(type_, GraphQLList):
        item = shape_of(type_.of_type, selection_set)

        def items(value: Any, info: Info) -> Any:
            if not isinstance(value, list | tuple):
                raise NotPlain
            return [item(v, info) for v in value]

        return items
    if isinstance(type_, GraphQLScalarType | GraphQLEnumType):
        coerce = type_.coerce_output_value

        def leaf(value: Any, _: Info) -> Any:
            coerced = coerce(value)
            if coerced is None or coerced is Undefined:
                raise NotPlain
            return coerced

        return leaf
    if not isinstance(type_, GraphQLObjectType) or selection_set is None:
        raise NoShape(str(type_))
    fields: list[tuple[str, Any, Shape]] = []
    for node in selection_set.selections:
        if not isinstance(node, FieldNode) or node.directives or node.arguments:
            raise NoShape(type_.name)
        key = node.alias.value if node.alias else node.name.value
        if node.name.value == "__typename":
            fields.append((key, None, functools.partial(typename, type_.name)))
            continue
        field = type_.fields[node.name.value]
        if not getattr(field.resolve, "_is_default", False):  # strawberry's plain attribute
            raise NoShape(f"{type_.name}.{node.name.value}")
        fields.append((key, field.resolve, shape_of(field.type, node.selection_set)))
    if len({key for key, _, _ in fields}) < len(fields):
        raise NoShape(type_.name)  # a key asked twice: graphql-core merges the selections
    is_type_of = type_.is_type_of

    def obj(value: Any, info: Info) -> Any:
        if is_type_of is not None and not is_type_of(value, info):
            raise NotPlain
        return {
            key: shape(value if read is None else read(value, None), info)
            for key, read, shape in fields
        }

    return obj


def typename(name: str, _value: Any, _info: Info) -> str:
    return name


def root_shapes(schema: GraphQLSchema, operation: OperationDefinitionNode) -> dict[str, Shape]:
    """A shape for each root field of the operation that can have one."""
    root = schema.get_root_type(operation.operation)
    assert root is not None
    shapes = {}
    for node in operation.selection_set.selections:
        if isinstance(node, FieldNode) and not node.directives and node.name.value in root.fields:
            with contextlib.suppress(NoShape):
                key = node.alias.value if node.alias else node.name.value
                shapes[key] = shape_of(root.fields[node.name.value].type, node.selection_set)
    return shapes


class ShapingExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with a prepared operation's shapes for its root fields."""

    def __init__(self, *args: Any, shapes: dict[str, Shape], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shapes = shapes

    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: Info,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        shape = self.shapes.get(path.key) if path.prev is None else None  # type: ignore[arg-type]
        if shape is not None and not isinstance(result, Exception):
            with contextlib.suppress(Exception):  # graphql-core completes it again, says why
                return shape(result, info)
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )


@dataclass(frozen=True)
class Prepared:
    document: DocumentNode
    name: str
    kind: str  # query or mutation
    shapes: dict[str, Shape]


class PreparedOperations:
    def __init__(self, schema: strawberry.Schema, bodies: Iterable[str], *, endpoint: str) -> None:
        self.schema = schema
        self.endpoint = endpoint
        self.operations: dict[str, Prepared] = {}
        for body in bodies:
            self.prepare(body)

    def prepare(self, body: str) -> None:
        """Parses and validates a trusted document once; ValueError if it does not fit the
        schema (for the contract's: no server should start so)."""
        if body in self.operations:
            return
        document = parse(body, max_tokens=limits.MAX_TOKENS)
        errors = validate(
            self.schema._schema, document, [*specified_rules, *limits.VALIDATION_RULES]
        )
        if errors:
            raise ValueError(f"trusted document does not validate: {errors[0].message}")
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        [operation] = operations
        assert operation.name
        self.operations[body] = Prepared(
            document,
            operation.name.value,
            operation.operation.value,
            root_shapes(self.schema._schema, operation),
        )

    def find(self, request: dict[str, Any]) -> Prepared | None:
        """The prepared operation this request asks for, if it asks in the plain way."""
        query = request.get("query")
        prepared = self.operations.get(query) if isinstance(query, str) else None
        if prepared is None:
            return None
        variables = request.get("variables")
        name = request.get("operationName")
        if not (variables is None or isinstance(variables, dict)) or name not in (
            None,
            prepared.name,
        ):
            return None  # the full pipeline answers these as it always has
        return prepared

    async def answer(
        self, prepared: Prepared, variables: dict[str, Any] | None, context: Any
    ) -> dict[str, Any]:
        started = time.perf_counter()
        with tracing.span("operation") as span:
            limits.name_operation(span, self.endpoint, prepared.kind, prepared.name)
            result = await await_maybe(
                execute(
                    self.schema._schema,
                    prepared.document,
                    variable_values=variables,
                    operation_name=prepared.name,
                    context_value=context,
                    is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                    executor_class=ShapingExecutor,
                    operation_extensions=None,
                    shapes=prepared.shapes,
                )
            )
        response: dict[str, Any] = {"data": result.data}
        errors: list[GraphQLError] = list(result.errors or [])
        if errors:
            self.schema.process_errors(errors)
            request_id = getattr(context, "request_id", None)
            errors = [
                limits.masked(e, request_id) if limits.is_unexpected(e) else e for e in errors
            ]
            response["errors"] = [e.formatted for e in errors]
        limits.observe(self.endpoint, prepared.name, errors, time.perf_counter() - started)
        return response
