"""Relay-style pages over a growing list: keyset cursors, so inserts never shift a page."""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from services.errors import DomainError, ErrorCode

M = TypeVar("M", bound=Model)
R = TypeVar("R")
MAX_FIRST = 100
DEFAULT_FIRST = 20


@dataclass(frozen=True)
class Page(Generic[R]):
    edges: list[tuple[str, R]]  # (cursor, row), in page order
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return self.edges[-1][0] if self.edges else None


def _cursor(list_name: str, key: int) -> str:
    return base64.urlsafe_b64encode(f"{list_name}:{key}".encode()).decode()


def _key(list_name: str, cursor: str) -> int:
    """The key a cursor of this list stands for; INVALID_INPUT for anything else."""
    try:
        name, _, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if name == list_name and key.isdigit():
            return int(key)
    except (ValueError, UnicodeError):
        pass
    raise DomainError(ErrorCode.INVALID_INPUT, field="after", message_key="INVALID_CURSOR")


async def newest_first(
    query: QuerySet[M], *, key: str, list_name: str, first: int | None, after: str | None
) -> Page[M]:
    """Rows by descending `key` (a unique, ever-growing integer column), after the cursor."""
    return await _page(
        query, key=key, list_name=list_name, first=first, after=after, descending=True
    )


async def oldest_first(
    query: QuerySet[M], *, key: str, list_name: str, first: int | None, after: str | None
) -> Page[M]:
    """Rows by ascending `key` (a unique, ever-growing integer column), after the cursor."""
    return await _page(
        query, key=key, list_name=list_name, first=first, after=after, descending=False
    )


def window(list_name: str, first: int | None, after: str | None) -> tuple[int, int | None]:
    """The page size, and the key the page starts after (None: from the first row)."""
    first = DEFAULT_FIRST if first is None else first
    if not 1 <= first <= MAX_FIRST:
        raise DomainError(
            ErrorCode.INVALID_INPUT, field="first", message_key="INVALID_PAGE_SIZE", max=MAX_FIRST
        )
    return first, None if after is None else _key(list_name, after)


def page_of(
    rows: list[R],
    key_of: Callable[[R], int],
    *,
    list_name: str,
    first: int,
) -> Page[R]:
    """The page of `rows`, read with one more than `first` to know whether more follow."""
    return Page(
        edges=[(_cursor(list_name, key_of(row)), row) for row in rows[:first]],
        has_next_page=len(rows) > first,
    )


async def _page(
    query: QuerySet[M],
    *,
    key: str,
    list_name: str,
    first: int | None,
    after: str | None,
    descending: bool,
) -> Page[M]:
    first, beyond = window(list_name, first, after)
    if beyond is not None:
        query = query.filter(**{f"{key}__{'lt' if descending else 'gt'}": beyond})
    rows: list[Any] = await query.order_by(f"-{key}" if descending else key).limit(first + 1)
    return page_of(rows, lambda row: getattr(row, key), list_name=list_name, first=first)
