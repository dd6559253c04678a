"""A Relay connection as one JSON value built in SQL, with the resolver path's keyset rules.

The page is cut as `keyset.fetch_cached_page` cuts it (the same sort keys, `after_predicate`,
`order_clauses`, one row more than the page to tell whether more follow); `row_number()` numbers
the fetched rows, a window count tells the last one, and one aggregate row answers `edges`,
`nodes`, `pageInfo` and (a subquery) `totalCount`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import FromClause, Integer, bindparam, func, literal_column, select

from app.graphql.compiler.json_sql import Expr, JsonSQL
from app.graphql.compiler.params import Params
from app.graphql.compiler.plan import Bound, NotCompilable
from app.graphql.pagination import page_args
from app.repositories import keyset


@dataclass(frozen=True)
class PageSpec:
    """What the statement's shape depends on; the values are parameters."""

    forward: bool
    has_cursor: bool
    nulls: tuple[bool, ...] | None
    limit: str
    fetch: str
    cursor: tuple[str | None, ...]


def prepare_page(bound: Bound, keys: Sequence[keyset.SortKey], params: Params) -> PageSpec:
    """Relay arguments checked as `page_args` checks them; anything it refuses (sizes, both
    directions, malformed cursors) is left to the resolver path, which reports it."""
    args = bound.args
    try:
        page = page_args(
            keys, args.get("first"), args.get("after"), args.get("last"), args.get("before")
        )
    except Exception as error:
        raise NotCompilable("page arguments") from error
    after = page.after
    cursor: tuple[str | None, ...] = ()
    if after is not None:
        cursor = tuple(
            None if value is None else params.add(value, getattr(key.expr, "type", None))
            for key, value in zip(keys, after, strict=True)
        )
    return PageSpec(
        forward=page.forward,
        has_cursor=after is not None,
        nulls=None if after is None else tuple(v is None for v in after),
        limit=params.add(page.limit, Integer()),
        fetch=params.add(page.limit + 1, Integer()),
        cursor=cursor,
    )


def connection_json(
    j: JsonSQL,
    stmt: Any,
    keys: Sequence[keyset.SortKey],
    spec: PageSpec,
    bound: Bound,
    node: Callable[[FromClause, list[Bound]], Expr],
    count: Callable[[], Any] | None,
    correlate: FromClause | None,
    names: Callable[[str], str],
) -> Expr:
    """The connection's JSON as a scalar subquery. `stmt` selects the items (filtered,
    visible); `node(src, fields)` spells one item from the page's columns; `count()` is the
    scalar `totalCount` subquery (when asked)."""
    reverse = not spec.forward
    if spec.has_cursor:
        values = [
            None if name is None else bindparam(name, type_=getattr(key.expr, "type", None))
            for key, name in zip(keys, spec.cursor, strict=True)
        ]
        stmt = stmt.where(keyset.after_predicate(keys, values, reverse=reverse))
    clauses = keyset.order_clauses(keys, reverse=reverse)
    # A plain ORDER BY ... LIMIT (an index walk or a top-N sort); the rows are numbered a
    # level up, over the fetched page only.
    stmt = (
        stmt.add_columns(*(key.expr.label(f"ck{i}") for i, key in enumerate(keys)))
        .order_by(*clauses)
        .limit(bindparam(spec.fetch, type_=Integer()))
    )
    if correlate is not None:
        stmt = stmt.correlate(correlate)
    fetched = stmt.subquery(names("pg"))
    fetched_keys = [
        keyset.SortKey(fetched.c[f"ck{i}"], key.descending, key.codec, key.nullable)
        for i, key in enumerate(keys)
    ]
    row_number = func.row_number().over(
        order_by=keyset.order_clauses(fetched_keys, reverse=reverse)
    )
    numbered = (
        select(fetched, row_number.label("crn"), func.count().over().label("cn"))
        .select_from(fetched)
        # The page's own order (SQLite aggregates in the order rows arrive).
        .order_by(*keyset.order_clauses(fetched_keys))
        .subquery(names("pc"))
    )
    rn = numbered.c.crn
    limit = bindparam(spec.limit, type_=Integer())
    in_page = rn <= limit
    order = [rn] if spec.forward else [rn.desc()]
    last = (func.least if j.pg else func.min)(numbered.c.cn, limit)
    cursor_columns = [numbered.c[f"ck{i}"] for i in range(len(keys))]

    def cursor_at(position: Expr) -> Expr:
        return func.max(_case_when((rn == position) & in_page, j.cursor(keys, cursor_columns)))

    more = j.boolean(func.count() > limit)
    given = j.boolean_literal(spec.has_cursor)
    first_row, last_row = (
        (literal_column("1"), last) if spec.forward else (last, literal_column("1"))
    )
    pairs: list[tuple[str, Expr]] = []
    aggregated = False  # else one row per page row: an aggregate is added below
    for field in bound.children:
        name = field.name
        if name == "__typename":
            pairs.append((field.key, j.string(bound.type_name)))
        elif name == "edges":
            edge: list[tuple[str, Expr]] = []
            for part in field.children:
                if part.name == "cursor":
                    edge.append((part.key, j.cursor(keys, cursor_columns)))
                elif part.name == "node":
                    edge.append((part.key, node(numbered, part.children)))
                else:  # __typename
                    edge.append((part.key, j.string(field.type_name)))
            pairs.append((field.key, j.agg(j.obj(edge), order, in_page)))
            aggregated = True
        elif name == "nodes":
            pairs.append((field.key, j.agg(node(numbered, field.children), order, in_page)))
            aggregated = True
        elif name == "pageInfo":
            info: list[tuple[str, Expr]] = []
            for part in field.children:
                if part.name == "hasNextPage":
                    info.append((part.key, more if spec.forward else given))
                    aggregated = aggregated or spec.forward
                elif part.name == "hasPreviousPage":
                    info.append((part.key, given if spec.forward else more))
                    aggregated = aggregated or not spec.forward
                elif part.name == "startCursor":
                    info.append((part.key, cursor_at(first_row)))
                    aggregated = True
                elif part.name == "endCursor":
                    info.append((part.key, cursor_at(last_row)))
                    aggregated = True
                else:
                    info.append((part.key, j.string(field.type_name)))
            pairs.append((field.key, j.obj(info)))
        elif name == "totalCount":
            assert count is not None
            pairs.append((field.key, count()))
    # An aggregate in the answer makes one row of the page, also when no aggregate is asked
    # (`totalCount` alone) or the page is empty.
    answer = j.obj(pairs)
    if not aggregated:
        answer = _case_when(func.count() >= 0, answer)  # nothing aggregated otherwise
    return select(answer).select_from(numbered).scalar_subquery()


def _case_when(condition: Any, value: Expr) -> Expr:
    from sqlalchemy import case

    return case((condition, value))


CONNECTION_FIELDS = frozenset({"edges", "nodes", "pageInfo", "totalCount"})
EDGE_FIELDS = frozenset({"cursor", "node"})
PAGE_INFO_FIELDS = frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"})
