"""Relay-style connections, shared by both schemas (they carry no domain of their own)."""

from typing import Generic, TypeVar

import strawberry

Node = TypeVar("Node")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; opaque, stable under inserts."
    )


@strawberry.type
class Edge(Generic[Node]):
    cursor: str
    node: Node


@strawberry.type(description="A Relay-style page: `first` 1..100 (default 20), then `after`.")
class Connection(Generic[Node]):
    edges: list[Edge[Node]]
    page_info: PageInfo


__all__ = ["Connection", "Edge", "PageInfo"]
