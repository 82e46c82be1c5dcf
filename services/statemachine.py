"""One helper for every status the domain keeps: a status declares only its table of
`(state, event) -> state`, with a note on each edge saying why it exists; moving is a
compare-and-set on the current state, and the diagram is generated from the same table."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from services.errors import DomainError, ErrorCode

S = TypeVar("S", bound=StrEnum)
E = TypeVar("E", bound=StrEnum)


@dataclass(frozen=True)
class Edge(Generic[S]):
    target: S
    why: str = ""


@dataclass(frozen=True)
class Machine(Generic[S, E]):
    name: str
    initial: S
    transitions: dict[tuple[S, E], Edge[S]]
    column: str = "status"  # the model's column that holds the state
    error_field: str | None = None  # the input field an INVALID_STATE names
    ended: frozenset[S] = field(default_factory=frozenset)

    def allows(self, state: S, event: E) -> bool:
        return (state, event) in self.transitions

    def target(self, state: S, event: E) -> S:
        """Where `event` takes `state`; INVALID_STATE if it may not."""
        edge = self.transitions.get((state, event))
        if edge is None:
            raise DomainError(ErrorCode.INVALID_STATE, field=self.error_field, state=state.value)
        return edge.target

    def sources(self, event: E) -> list[S]:
        return [state for state, on in self.transitions if on == event]

    async def move(self, row: Model, event: E, *, unless: Q | None = None, **changes: Any) -> S:
        """Compare-and-set `row` from its current state (and not `unless`); INVALID_STATE if
        it may not move, or if another transaction moved it first. Updates `row` in place."""
        source: S = getattr(row, self.column)
        target = self.target(source, event)
        query = type(row).filter(pk=row.pk, **{self.column: source})
        if unless is not None:
            query = query.exclude(unless)
        moved = await query.update(**{self.column: target}, **changes)
        if not moved:
            raise DomainError(ErrorCode.INVALID_STATE, field=self.error_field, state=source.value)
        for name, value in {self.column: target, **changes}.items():
            setattr(row, name, value)
        return target

    async def move_all(self, query: QuerySet[Any], event: E, **changes: Any) -> int:
        """Every row of `query` that `event` may move, by one statement per source state."""
        moved = 0
        for source in self.sources(event):
            moved += await query.filter(**{self.column: source}).update(
                **{self.column: self.target(source, event)}, **changes
            )
        return moved

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2", f"    [*] --> {self.initial}"]
        for (source, event), edge in self.transitions.items():
            label = f"{event} ({edge.why})" if edge.why else str(event)
            lines.append(f"    {source} --> {edge.target}: {label}")
        lines += [f"    {state} --> [*]" for state in sorted(self.ended)]
        return "\n".join(lines)
