"""Statements built once and reused, with the values that vary as bound parameters.

Building a SELECT with subqueries and window functions in SQLAlchemy costs more Python time
than running it; the hot statements of the read side are therefore built once per shape —
what the key names: the dialect, the viewer's organization, filters, orderings — and run
with parameters for what changes from call to call (ids, page sizes, cursor values).

Ids are one parameter: `= ANY(:ids)` on PostgreSQL, so that one prepared statement serves
every batch size; an expanding `IN` on SQLite.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlalchemy import ARRAY, ColumnElement, Integer, any_, bindparam
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncSession

S = TypeVar("S")

MAX_STATEMENTS = 512


class StatementCache:
    """A bounded LRU of built statements by shape."""

    def __init__(self, max_entries: int = MAX_STATEMENTS) -> None:
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._max_entries = max_entries

    def get(self, key: Hashable, build: Callable[[], S]) -> S:
        found = self._entries.get(key)
        if found is None:
            found = build()
            self._entries[key] = found
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        result: S = found
        return result


statements = StatementCache()


def dialect_of(session: AsyncSession) -> str:
    bind = session.bind
    return str(bind.dialect.name) if bind is not None else "default"


async def execute_for_ids(
    session: AsyncSession, name: str, build: Callable[[str], Any], ids: Sequence[int]
) -> Result[*tuple[Any, ...]]:
    """Run the statement `name` — built once per dialect by `build(dialect)`, which filters
    with `in_ids(..., dialect)` — for `ids`."""
    dialect = dialect_of(session)
    stmt = statements.get((name, dialect), lambda: build(dialect))
    result: Result[*tuple[Any, ...]] = await session.execute(stmt, {"ids": list(ids)})
    return result


def in_ids(column: Any, dialect: str, name: str = "ids") -> ColumnElement[bool]:
    """`column` is one of the ids bound as `name` (a list)."""
    if dialect == "postgresql":
        condition: ColumnElement[bool] = column == any_(bindparam(name, type_=ARRAY(Integer)))
        return condition
    expanding: ColumnElement[bool] = column.in_(bindparam(name, expanding=True))
    return expanding
