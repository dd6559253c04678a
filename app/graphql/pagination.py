"""Relay connections with keyset cursors: argument checks and the generic Connection type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from app.errors import FieldError, InvalidRequest, ValidationFailed
from app.repositories import keyset

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def page_args(
    keys: Sequence[keyset.SortKey],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> keyset.Page:
    """Validate Relay arguments: at most 100 per page (more is an error, not a cap)."""
    problems = [
        FieldError((name,), f"must be between 0 and {MAX_PAGE_SIZE}", "value_error.range")
        for name, value in (("first", first), ("last", last))
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE
    ]
    if problems:
        raise ValidationFailed(f"Page size must be between 0 and {MAX_PAGE_SIZE}", problems)
    if first is not None and last is not None:
        raise InvalidRequest("Pass either 'first' or 'last', not both")
    if after is not None and before is not None:
        raise InvalidRequest("Pass either 'after' or 'before', not both")
    if last is not None or before is not None:
        limit = DEFAULT_PAGE_SIZE if last is None else last
        values = keyset.decode_cursor(before, keys, arg="before") if before else None
        return keyset.Page(limit=limit, after=values, forward=False)
    limit = DEFAULT_PAGE_SIZE if first is None else first
    values = keyset.decode_cursor(after, keys, arg="after") if after else None
    return keyset.Page(limit=limit, after=values, forward=True)


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="True when more items follow: fetch them with `after: endCursor`."
    )
    has_previous_page: bool = strawberry.field(
        description="True when items precede: fetch them with `before: startCursor`."
    )
    start_cursor: str | None = strawberry.field(
        description="Cursor of the page's first item; null when the page is empty."
    )
    end_cursor: str | None = strawberry.field(
        description="Cursor of the page's last item; null when the page is empty."
    )


@strawberry.type(description="An item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Opaque cursor of this item: pass it as `after` (or "
        "`before`) to continue from here."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(
    description="A page of items (Relay cursor connection): `edges` or "
    "`nodes`, and `pageInfo` to fetch the next or previous "
    "page."
)
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The page's items, each with its cursor.")
    page_info: PageInfo = strawberry.field(
        description="Cursors and flags for fetching the neighbouring pages."
    )
    count_fn: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Every item matching the arguments, across all pages.")
    async def total_count(self) -> int:
        return await self.count_fn()

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def build_connection(
    result: keyset.PageResult,
    convert: Callable[[Any], T],
    count_fn: Callable[[], Awaitable[int]],
) -> Connection[T]:
    edges = [
        Edge(cursor=cursor, node=convert(row))
        for row, cursor in zip(result.rows, result.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=result.has_next,
            has_previous_page=result.has_previous,
            start_cursor=result.cursors[0] if result.cursors else None,
            end_cursor=result.cursors[-1] if result.cursors else None,
        ),
        count_fn=count_fn,
    )
