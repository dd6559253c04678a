"""Unused columns out of a compiled statement's subqueries.

The compiler builds its subqueries from the repositories' own statements, which select whole
records (a score with its benchmark: 22 columns), and then reads a few of their columns. SQLite
keeps every column of a subquery it cannot flatten (one with a window, a LIMIT, an ORDER BY),
so each row it sorts or numbers carries them all, long texts included: on the dashboard the
top-scores subqueries cost twice what they do with only the columns they use. PostgreSQL
drops unused subquery outputs itself; the shorter text costs it nothing.

`prune(statement)` finds, for every subquery, the columns the rest of the statement reads
(repeating the walk until nothing changes: a column read only by a dropped column of an outer
subquery is unused too), then rebuilds the statement with each subquery selecting only those.
A subquery whose rows depend on its columns is kept whole: DISTINCT, GROUP BY, an aggregate, a
set operation. Window columns are kept too: SQLite returns rows in a window's order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import ColumnClause, FunctionFilter, Over
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import Join, Select, Subquery

# Functions that fold rows into one (outside a window): a select using one keeps its columns.
_AGGREGATES = frozenset(
    {
        "count",
        "sum",
        "total",
        "min",
        "max",
        "avg",
        "group_concat",
        "string_agg",
        "array_agg",
        "json_agg",
        "jsonb_agg",
        "json_group_array",
        "json_group_object",
        "json_object_agg",
        "bool_and",
        "bool_or",
        "every",
    }
)


def prune(statement: Select[Any]) -> Select[Any]:
    """`statement` with every prunable subquery selecting only the columns it is read for."""
    used = _used_columns(statement, _Prunable())
    if not used:
        return statement
    return cast(Select[Any], _Rebuild(used).run(statement))


class _Prunable:
    """Whether a FROM item is a subquery whose columns may be dropped (remembered per item:
    a statement refers to each many times)."""

    def __init__(self) -> None:
        self.known: dict[int, bool] = {}

    def __call__(self, item: Any) -> bool:
        found = self.known.get(id(item))
        if found is None:
            found = self.known[id(item)] = _prunable(item)
        return found


def _prunable(subquery: Any) -> bool:
    element = getattr(subquery, "element", None)
    if not isinstance(subquery, Subquery) or not isinstance(element, Select):
        return False
    if element._distinct or element._group_by_clauses:
        return False
    return not any(_aggregates(column) for column in element.selected_columns)


def _aggregates(expression: Any) -> bool:
    """Whether `expression` folds rows (an aggregate not inside a window)."""
    stack = [expression]
    while stack:
        element = stack.pop()
        if isinstance(element, Over):
            continue
        if isinstance(element, FunctionFilter):
            return True
        if isinstance(element, FunctionElement) and element.name.lower() in _AGGREGATES:
            return True
        if isinstance(element, Select):
            continue  # a scalar subquery folds its own rows, not this select's
        stack.extend(element.get_children())
    return False


def _windowed(column: Any) -> bool:
    element = getattr(column, "element", column)  # a label's expression
    return isinstance(element, Over)


def _select_parts(select: Select[Any], keep: set[str] | None) -> Iterator[Any]:
    """What a select reads: its columns (only `keep`'s when given), FROM, WHERE, GROUP BY,
    HAVING, ORDER BY, LIMIT, OFFSET."""
    for column in select.selected_columns:
        if keep is None or column.key in keep:
            yield column
    yield from select.get_final_froms()
    if select.whereclause is not None:
        yield select.whereclause
    yield from select._group_by_clauses
    yield from select._having_criteria
    yield from select._order_by_clauses
    if select._limit_clause is not None:
        yield select._limit_clause
    if select._offset_clause is not None:
        yield select._offset_clause


def _used_columns(statement: Select[Any], prunable: _Prunable) -> dict[Subquery, set[str]]:
    used: dict[Subquery, set[str]] = {}
    while True:
        before = {subquery: set(names) for subquery, names in used.items()}
        _walk(statement, used, prunable)
        if before == used:
            return used


def _walk(statement: Select[Any], used: dict[Subquery, set[str]], prunable: _Prunable) -> None:
    entered: set[int] = set()
    pending: list[Any] = list(_select_parts(statement, None))
    while pending:
        element = pending.pop()
        if isinstance(element, ColumnClause):
            table = element.table
            if table is not None and prunable(table):
                used.setdefault(cast(Subquery, table), set()).add(element.key)
            continue
        if isinstance(element, Subquery) and prunable(element):
            if id(element) not in entered:
                entered.add(id(element))
                select = cast(Select[Any], element.element)
                # A subquery selects something, read or not (`totalCount` alone reads none).
                names = used.setdefault(element, set())
                names.add(str(next(iter(select.selected_columns)).key))
                # Window columns stay: SQLite returns the rows in a window's order, which a
                # JSON array over them may rely on (its ORDER BY is not SQLite's).
                names.update(str(c.key) for c in select.selected_columns if _windowed(c))
                pending.extend(_select_parts(select, names))
            continue
        if isinstance(element, Select):
            pending.extend(_select_parts(element, None))
            continue
        pending.extend(element.get_children())


class _Rebuild:
    """The statement again, each prunable subquery replaced by one selecting only its used
    columns (one replacement per subquery, shared by every reference to it, correlated ones
    included)."""

    def __init__(self, used: dict[Subquery, set[str]]) -> None:
        self.used = used
        self.replaced: dict[int, Subquery] = {}

    def run(self, element: Any) -> Any:
        return visitors.replacement_traverse(element, {}, self._replace)

    def _replace(self, element: Any, **_kw: Any) -> Any:
        if isinstance(element, ColumnClause):
            table = element.table
            if table is not None and table in self.used:
                return self._subquery(table).c[element.key]
            return None
        if isinstance(element, Subquery) and element in self.used:
            return self._subquery(element)
        return None

    def _subquery(self, subquery: Subquery) -> Subquery:
        found = self.replaced.get(id(subquery))
        if found is None:
            # Narrowed first, then rebuilt: the dropped columns' own references (to inner
            # subqueries' columns that are dropped too) are never visited.
            element = cast(Select[Any], subquery.element)
            names = self.used[subquery]
            keep = [c for c in element.selected_columns if c.key in names]
            narrowed = element.with_only_columns(*keep)
            # A FROM item that only a dropped column brought (`select(table.c.x)`) stays.
            left = {id(f) for f in _leaves(narrowed.get_final_froms())}
            missing = [f for f in _leaves(element.get_final_froms()) if id(f) not in left]
            if missing:
                narrowed = narrowed.select_from(*missing)
            found = cast(Select[Any], self.run(narrowed)).subquery(subquery.name)
            self.replaced[id(subquery)] = found
        return found


def _leaves(froms: Any) -> list[Any]:
    """The tables, aliases and subqueries of FROM items, joins taken apart (a select built
    with `.join()` makes its Join objects anew on each call)."""
    found: list[Any] = []
    stack = list(froms)
    while stack:
        item = stack.pop()
        if isinstance(item, Join):
            stack.extend((item.left, item.right))
        else:
            found.append(item)
    return found
