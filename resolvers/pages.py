from collections.abc import Callable
from typing import Any, TypeVar

from schema.pagination import Connection, Edge, PageInfo
from services.paging import Page

Node = TypeVar("Node")


def connection(page: Page[Any], node: Callable[[Any], Node]) -> Connection[Node]:
    """A service's page as a Relay connection, each row mapped to its GraphQL node."""
    return Connection(
        edges=[Edge(cursor=cursor, node=node(row)) for cursor, row in page.edges],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
    )
