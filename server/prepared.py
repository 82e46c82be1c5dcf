"""Every document on one short path.

The apps' trusted documents are parsed and validated once, when the server starts; any other
document the first time it comes (the last PreparedOperations.HELD of them are kept). A
request that sends one (as text or by hash) is executed by graphql-core on the same schema,
with the same resolvers, error masking, logging and metrics, but without strawberry's
per-request pipeline (HTTP adapter, extension hooks, parse and validation caches), which
costs more than the reads of `Me`.

And what a root field's resolver returns is turned into its answer by a shape compiled from
the document: graphql-core spends some 15 µs on every field it completes, walking the
selection and checking types a validated document already settled; a shape reads each field
(through strawberry's own resolver for it) and coerces each leaf in one call. A shape is
compiled only where every field below the root is a plain attribute; anything unusual in a
value (a null where none may be, a leaf that does not coerce) leaves it to graphql-core, which
completes the same value again and reports the error exactly as it always does.

A query of one root field without directives (`Me`, `ClosureEligibility`, `SecurityLogPage`,
...) does without graphql-core's execution altogether: its variables and arguments are
coerced by graphql-core's own functions, its resolver called with the resolve info
graphql-core would build, its error located as graphql-core locates it, and its value shaped;
variables that do not coerce, or a value that is not plain, send the query to graphql-core
after all.

What the short path does not take — a document that does not parse or validate, several
operations in one, a subscription, a request that is not a plain JSON POST — strawberry's
whole pipeline answers, with its errors. `tests/endpoint/test_prepared.py` holds both paths to
the same answers.
"""

import contextlib
import dataclasses
import functools
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLSchema,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    located_error,
    parse,
    specified_rules,
    validate,
)
from graphql.execution import (
    ExecutionResult,
    VariableValues,
    execute,
    get_argument_values,
    get_variable_values,
)
from graphql.pyutils import Path
from graphql.type.definition import GraphQLResolveInfoHelpers
from strawberry.utils.await_maybe import await_maybe

from schema import limits
from schema.strawberry_private import (
    StrawberryGraphQLCoreExecutionContext,
    graphql_schema,
    optimized_is_awaitable,
    plain_reader,
)
from services import lease, tracing


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
        key = response_key(node)
        if node.name.value == "__typename":
            fields.append((key, None, functools.partial(typename, type_.name)))
            continue
        field = type_.fields[node.name.value]
        read = plain_reader(field)
        if read is None:  # a resolver of its own
            raise NoShape(f"{type_.name}.{node.name.value}")
        fields.append((key, read, shape_of(field.type, node.selection_set)))
    if len({key for key, _, _ in fields}) < len(fields):
        raise NoShape(type_.name)  # a key asked twice: graphql-core merges the selections
    is_type_of = type_.is_type_of

    def obj(value: Any, info: Info) -> Any:
        if is_type_of is not None and not is_type_of(value, info):
            raise NotPlain
        return {
            key: shape(value if read is None else read(value), info) for key, read, shape in fields
        }

    return obj


def response_key(node: FieldNode) -> str:
    """Where a field's value goes in the answer: its alias, or its name."""
    return node.alias.value if node.alias else node.name.value


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
                key = response_key(node)
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


def _no_executor(_: Any) -> Any:
    raise RuntimeError("info.async_helpers: a direct root field runs without an executor")


NO_VARIABLES = VariableValues({}, {})
NO_HELPERS = GraphQLResolveInfoHelpers(gather=_no_executor, track=_no_executor)


@dataclass(frozen=True)
class Direct:
    """A query of one root field with no directives, whose answer has a shape: its resolver
    is called as graphql-core calls it and its value shaped, without setting an execution up
    (graphql-core's set-up and its handling of the result cost a fifth of a `Me`)."""

    key: str
    field: GraphQLField
    nodes: list[FieldNode]
    root: GraphQLObjectType
    operation: OperationDefinitionNode
    shape: Shape
    # The coerced variables and arguments of the last few sets of plain variables (an app
    # sends the same `first: 20` again and again): graphql-core's coercion is pure.
    coerced: dict[tuple[Any, ...], tuple[VariableValues, dict[str, Any]]] = dataclasses.field(
        default_factory=dict, compare=False, repr=False
    )

    async def run(
        self, schema: GraphQLSchema, variables: dict[str, Any] | None, context: Any
    ) -> ExecutionResult | None:
        """What graphql-core's execution gives; None where the variables or arguments do not
        coerce (graphql-core says why, before any resolver runs) or the value is not plain
        (then graphql-core runs the query again, and says why: a query only reads)."""
        held = plain_key(variables)
        found = self.coerced.get(held) if held is not None else None
        if found is None:
            found = self.coerce(schema, variables)
            if found is None:
                return None
            if held is not None:
                if len(self.coerced) >= COERCIONS_HELD:
                    self.coerced.clear()
                self.coerced[held] = found
        values, arguments = found
        path = Path(None, self.key, self.root.name)
        info: Info = GraphQLResolveInfo(
            self.field_name,
            self.nodes,
            self.field.type,
            self.root,
            path,
            schema,
            {},
            None,
            self.operation,
            values,
            context,
            optimized_is_awaitable,  # type: ignore[arg-type]
            None,
            NO_HELPERS,
        )
        resolve = self.field.resolve
        assert resolve is not None
        try:
            value = resolve(None, info, **arguments)
            if optimized_is_awaitable(value):
                value = await value
        except Exception as raw:  # as graphql-core reports an error of a root field
            error = located_error(raw, self.nodes, path.as_list())
            data = None if isinstance(self.field.type, GraphQLNonNull) else {self.key: None}
            return ExecutionResult(data, [error])
        try:
            return ExecutionResult({self.key: self.shape(value, info)}, None)
        except Exception:
            return None

    def coerce(
        self, schema: GraphQLSchema, variables: dict[str, Any] | None
    ) -> tuple[VariableValues, dict[str, Any]] | None:
        values = NO_VARIABLES
        if self.operation.variable_definitions:
            coerced = get_variable_values(
                schema, self.operation.variable_definitions, variables or {}
            )
            if isinstance(coerced, list):
                return None
            values = coerced
        try:
            return values, get_argument_values(self.field, self.nodes[0], values)
        except GraphQLError:
            return None

    @property
    def field_name(self) -> str:
        return self.nodes[0].name.value


COERCIONS_HELD = 64


def plain_key(variables: dict[str, Any] | None) -> tuple[Any, ...] | None:
    """Variables as a key, with each value's type (1 and true are equal keys, not equal
    variables); None where a value is not a scalar."""
    if not variables:
        return ()
    if not isinstance(variables, dict):
        return None
    key = []
    for name, value in sorted(variables.items()):
        if not isinstance(value, str | int | float | bool) and value is not None:
            return None
        key.append((name, type(value), value))
    return tuple(key)


def direct_root(
    schema: GraphQLSchema, operation: OperationDefinitionNode, shapes: dict[str, Shape]
) -> Direct | None:
    """The operation's one root field, where it can run directly."""
    if (
        operation.operation != OperationType.QUERY
        or operation.directives
        or len(operation.selection_set.selections) != 1
    ):
        return None
    [node] = operation.selection_set.selections
    if not isinstance(node, FieldNode) or node.directives:
        return None
    key = response_key(node)
    root = schema.query_type
    field = root.fields.get(node.name.value) if root else None
    if root is None or field is None or field.resolve is None or key not in shapes:
        return None
    return Direct(key, field, [node], root, operation, shapes[key])


@dataclass(frozen=True)
class Prepared:
    document: DocumentNode
    name: str | None  # a document typed by hand may have no name
    kind: str  # query or mutation
    shapes: dict[str, Shape]
    direct: Direct | None = None


def compile_document(schema: strawberry.Schema, rules: tuple[Any, ...], body: str) -> Prepared:
    """ValueError when the document does not parse, validate, or hold one operation."""
    try:
        document = parse(body, max_tokens=limits.MAX_TOKENS)
    except GraphQLError as error:
        raise ValueError(f"document does not parse: {error.message}") from None
    errors = validate(graphql_schema(schema), document, rules)
    if errors:
        raise ValueError(f"document does not validate: {errors[0].message}")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation == OperationType.SUBSCRIPTION:
        raise ValueError("not one query or mutation")
    [operation] = operations
    shapes = root_shapes(graphql_schema(schema), operation)
    return Prepared(
        document,
        operation.name.value if operation.name else None,
        operation.operation.value,
        shapes,
        direct_root(graphql_schema(schema), operation, shapes),
    )


# The trusted documents of a schema, compiled once per process however many apps are made on
# it (the tests make one for each test); a Prepared is read-only once compiled.
compile_trusted = functools.lru_cache(maxsize=1024)(compile_document)


class PreparedOperations:
    """The documents an endpoint has parsed and validated: its trusted and registered ones,
    kept for good, and the last HELD documents typed by hand, each prepared the first time it
    comes (a document that does not validate is left to strawberry's pipeline, which says why
    as it always has)."""

    HELD = 256

    def __init__(
        self,
        schema: strawberry.Schema,
        bodies: Iterable[str],
        *,
        endpoint: str,
        production: bool = False,
        held: int = HELD,
    ) -> None:
        self.schema = schema
        self.endpoint = endpoint
        self.rules = (
            *specified_rules,
            *limits.VALIDATION_RULES,
            *([NoSchemaIntrospectionCustomRule] if production else []),
        )
        self.held = held
        self.operations: dict[str, Prepared] = {}
        self.typed: OrderedDict[str, Prepared | None] = OrderedDict()
        for body in bodies:
            self.prepare(body)

    def prepare(self, body: str) -> None:
        """Parses and validates a trusted document once; ValueError if it does not fit the
        schema (for the contract's: no server should start so)."""
        if body not in self.operations:
            self.operations[body] = compile_trusted(self.schema, self.rules, body)

    def lookup(self, body: str) -> Prepared | None:
        """The prepared document of this text, preparing a document typed by hand on its
        first arrival; None for one that strawberry's pipeline is to answer."""
        found = self.operations.get(body)
        if found is not None or not self.held:
            return found
        if body in self.typed:
            self.typed.move_to_end(body)
            return self.typed[body]
        try:
            prepared: Prepared | None = compile_document(self.schema, self.rules, body)
        except ValueError:  # the pipeline answers it with its errors
            prepared = None
        self.typed[body] = prepared
        if len(self.typed) > self.held:
            self.typed.popitem(last=False)
        return prepared

    def find(self, request: dict[str, Any]) -> Prepared | None:
        """The prepared operation this request asks for, if it asks in the plain way."""
        query = request.get("query")
        prepared = self.lookup(query) if isinstance(query, str) else None
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

    async def executed(
        self, prepared: Prepared, variables: dict[str, Any] | None, context: Any
    ) -> ExecutionResult:
        if prepared.direct is not None:
            found = await prepared.direct.run(graphql_schema(self.schema), variables, context)
            if found is not None:
                return found
        return await await_maybe(
            execute(
                graphql_schema(self.schema),
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

    async def answer(
        self, prepared: Prepared, variables: dict[str, Any] | None, context: Any
    ) -> dict[str, Any]:
        started = time.perf_counter()
        # A query's statements share a connection; a mutation's may wait on argon2 or a
        # gateway in between, holding none.
        shared = lease.one_connection() if prepared.kind == "query" else contextlib.nullcontext()
        with tracing.span("operation") as span:
            limits.name_operation(span, self.endpoint, prepared.kind, prepared.name)
            async with shared:
                result = await self.executed(prepared, variables, context)
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
