"""Keyset (cursor) pagination over any ordered SELECT, with NULLs always last.

An ordering is a list of `SortKey`s ending with a unique column. A cursor holds the values of
those keys for one row; the next page starts strictly after it. Pages for many parents at once
(a page of versions for each of 50 models) use one query with ROW_NUMBER() per parent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeAlias

from sqlalchemy import BigInteger, ColumnElement, Select, and_, bindparam, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.errors import InvalidRequest
from app.repositories.statements import dialect_of, in_ids, statements

# Any SELECT, whatever its columns (SQLAlchemy 2.1 types Select by its row tuple).
AnySelect: TypeAlias = Select[*tuple[Any, ...]]

Codec = Literal["int", "float", "str", "date", "datetime", "bytes", "bool"]


@dataclass(frozen=True)
class SortKey:
    expr: Any  # a column or SQL expression
    descending: bool = False
    codec: Codec = "int"
    nullable: bool = False


@dataclass(frozen=True)
class Page:
    """Validated page arguments; `forward` is False for `last`/`before`."""

    limit: int
    after: tuple[Any, ...] | None = None
    forward: bool = True


@dataclass
class PageResult:
    rows: list[Any]
    cursors: list[str]
    has_next: bool
    has_previous: bool


def _encode_value(value: Any, codec: Codec) -> Any:
    if value is None:
        return None
    if codec == "bytes":
        return bytes(value).hex()
    if codec in ("date", "datetime"):
        return value.isoformat()
    return value


_INT64 = 2**63
_INT32 = 2**31
MAX_CURSOR_LENGTH = 8192


def _int_bound(key: SortKey) -> int:
    """Integer columns are 32-bit (ids) unless declared BigInteger; untyped expressions (a
    subquery's `model_id`) are ids too."""
    type_ = getattr(key.expr, "type", None)
    return _INT64 if isinstance(type_, BigInteger) else _INT32


def _decode_value(value: Any, key: SortKey) -> Any:
    """A cursor value back into what the ordering compares, or ValueError when it is not what
    `_encode_value` makes for this codec (wrong JSON type, out of the column's range,
    non-finite, a string no database can hold)."""
    if value is None:
        return None
    codec = key.codec
    if codec in ("bytes", "date", "datetime", "str"):
        if not isinstance(value, str):
            raise ValueError(f"expected a string for {codec}")
        if not _encodable(value):
            raise ValueError("not a value of this ordering")
    if codec == "bytes":
        return bytes.fromhex(value)
    if codec == "date":
        return date.fromisoformat(value)
    if codec == "datetime":
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is not None:
            parsed.astimezone(UTC)  # out of range once normalized: OverflowError
        return parsed
    if codec == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("expected an integer")
        bound = _int_bound(key)
        if not -bound <= value < bound:
            raise ValueError("integer out of the column's range")
        return value
    if codec == "float":
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise ValueError("expected a number")
        if isinstance(value, int) and not -_INT64 <= value < _INT64:
            raise ValueError("number out of range")
        if not math.isfinite(float(value)):
            raise ValueError("expected a finite number")
        return value
    if codec == "bool":
        if not isinstance(value, bool):
            raise ValueError("expected a boolean")
        return value
    return value  # "str", checked above


def _encodable(text: str) -> bool:
    """UTF-8 without lone surrogates or NUL (neither database stores them)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def ordering_tag(keys: Sequence[SortKey]) -> str:
    """A short fingerprint of an ordering (columns, codecs, directions): a cursor carries it,
    so that a cursor made for one ordering is refused by another."""
    spec = "|".join(
        f"{getattr(k.expr, 'key', None) or k.expr}:{k.codec}:{k.descending:d}" for k in keys
    )
    return hashlib.sha256(spec.encode()).hexdigest()[:8]


# Non-ASCII text as UTF-8 (not \u escapes): the spelling a database's JSON writes too, so
# that compiled operations (app/graphql/compiler) make the same cursors.
_CURSOR_JSON = json.JSONEncoder(ensure_ascii=False)
_json_string: Callable[[str], str] = json.encoder.encode_basestring


def _json_value(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)` for a cursor value, without building an
    encoder per call (a page's cursors are written one per row)."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    if kind is str:
        return _json_string(value)
    return _CURSOR_JSON.encode(value)


class CursorWriter:
    """`encode_cursor` for one ordering: its tag is computed once (a page writes a cursor
    per row; the tag's hash and the keys' spelling cost more than the rest)."""

    __slots__ = ("_prefix", "codecs")

    def __init__(self, keys: Sequence[SortKey]) -> None:
        self.codecs: tuple[Codec, ...] = tuple(k.codec for k in keys)
        # What json.dumps({"o": tag, "v": [...]}) writes before the list.
        self._prefix = '{"o": "' + ordering_tag(keys) + '", "v": '

    def __call__(self, values: Sequence[Any]) -> str:
        encoded = [_encode_value(v, c) for v, c in zip(values, self.codecs, strict=True)]
        text = self._prefix + "[" + ", ".join(map(_json_value, encoded)) + "]}"
        return base64.urlsafe_b64encode(text.encode()).decode()


def encode_cursor(values: Sequence[Any], keys: Sequence[SortKey]) -> str:
    """The cursor of a row whose ordering values are `values` (`CursorWriter` for many)."""
    return CursorWriter(keys)(values)


def decode_cursor(cursor: str, keys: Sequence[SortKey], *, arg: str) -> tuple[Any, ...]:
    """Values of a cursor made for this ordering; anything else is a 400, never a 500."""
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        if not isinstance(decoded, dict) or decoded.get("o") != ordering_tag(keys):
            raise ValueError("not a cursor of this ordering")
        payload = decoded.get("v")
        if not isinstance(payload, list) or len(payload) != len(keys):
            raise ValueError("wrong shape")
        values = tuple(_decode_value(v, k) for v, k in zip(payload, keys, strict=True))
        if values[-1] is None:
            raise ValueError("missing tiebreaker")
        return values
    except (
        ValueError,
        TypeError,
        binascii.Error,
        UnicodeError,
        OverflowError,
        RecursionError,
    ) as exc:
        raise InvalidRequest(
            f"Malformed cursor for '{arg}': pass a cursor returned by this connection "
            "with the same ordering"
        ) from exc


def order_clauses(keys: Sequence[SortKey], *, reverse: bool = False) -> list[ColumnElement[Any]]:
    clauses: list[ColumnElement[Any]] = []
    for key in keys:
        descending = key.descending != reverse
        if key.nullable:
            # NULLs last in the natural direction (first when walking backwards).
            flag = key.expr.is_(None)
            clauses.append(flag.desc() if reverse else flag.asc())
        clauses.append(key.expr.desc() if descending else key.expr.asc())
    return clauses


def after_predicate(
    keys: Sequence[SortKey], values: Sequence[Any], *, reverse: bool = False
) -> ColumnElement[bool]:
    """Rows strictly after `values` in the ordering (before it when `reverse`). A value may
    be a bound parameter (`cursor_params`); None stays structural (the NULL block)."""
    disjuncts: list[ColumnElement[bool]] = []
    equal_so_far: list[ColumnElement[bool]] = []
    for key, value in zip(keys, values, strict=True):
        descending = key.descending != reverse
        if value is None:
            # Cursor row sits in the NULL block: later rows are NULLs too (or, walking
            # backwards, any non-NULL row comes before it).
            if reverse:
                disjuncts.append(and_(*equal_so_far, key.expr.is_not(None)))
            equal_so_far.append(key.expr.is_(None))
            continue
        strictly = key.expr < value if descending else key.expr > value
        if key.nullable and not reverse:
            strictly = or_(strictly, key.expr.is_(None))
        disjuncts.append(and_(*equal_so_far, strictly))
        equal_so_far.append(key.expr == value)
    return or_(*disjuncts) if disjuncts else true()


def cursor_params(keys: Sequence[SortKey], values: Sequence[Any]) -> list[Any]:
    """Bound parameters standing for a cursor's values (None where the value is NULL)."""
    return [
        None if value is None else bindparam(f"pg_after{i}", type_=getattr(key.expr, "type", None))
        for i, (key, value) in enumerate(zip(keys, values, strict=True))
    ]


def cursor_values(values: Sequence[Any]) -> dict[str, Any]:
    return {f"pg_after{i}": value for i, value in enumerate(values) if value is not None}


async def fetch_cached_page(
    session: AsyncSession,
    shape: Hashable,
    build: Callable[[], tuple[AnySelect, Sequence[SortKey]]],
    page: Page,
    convert: Callable[[Any], Any] | None = None,
    params: Mapping[str, Any] | None = None,
) -> PageResult:
    """`fetch_page` with the page statement built once per `shape` (what `build` depends on)
    and the page's direction and cursor shape; cursor values and the size are parameters,
    with `params` for the parameters of the statement `build` makes."""
    nulls = None if page.after is None else tuple(v is None for v in page.after)

    def build_page() -> tuple[AnySelect, Sequence[SortKey]]:
        stmt, keys = build()
        reverse = not page.forward
        if page.after is not None:
            stmt = stmt.where(
                after_predicate(keys, cursor_params(keys, page.after), reverse=reverse)
            )
        stmt = stmt.add_columns(*(k.expr.label(_label(i)) for i, k in enumerate(keys)))
        stmt = stmt.order_by(*order_clauses(keys, reverse=reverse)).limit(bindparam("pg_limit"))
        return stmt, keys

    stmt, keys = statements.get(("page", shape, page.forward, nulls), build_page)
    values = {**(params or {}), "pg_limit": page.limit + 1, **cursor_values(page.after or ())}
    result = (await session.execute(stmt, values)).all()
    return _shape(result, keys, page, convert)


def _label(index: int) -> str:
    return f"pg_k{index}"


async def fetch_page(
    session: AsyncSession,
    stmt: AnySelect,
    keys: Sequence[SortKey],
    page: Page,
    convert: Callable[[Any], Any] | None = None,
) -> PageResult:
    """One page of `stmt` in the order of `keys`; `convert` turns each row into a record."""
    reverse = not page.forward
    if page.after is not None:
        stmt = stmt.where(after_predicate(keys, page.after, reverse=reverse))
    stmt = stmt.add_columns(*(k.expr.label(_label(i)) for i, k in enumerate(keys)))
    stmt = stmt.order_by(*order_clauses(keys, reverse=reverse)).limit(page.limit + 1)
    result = (await session.execute(stmt)).all()
    return _shape(result, keys, page, convert)


async def fetch_partitioned_pages(
    session: AsyncSession,
    stmt: AnySelect,
    entity: type[Any] | None,
    keys: Sequence[SortKey],
    page: Page,
    partition: Any,
    parent_ids: Sequence[Any],
    convert: Callable[[Any], Any] | None = None,
    shape: Hashable | None = None,
) -> dict[Any, PageResult]:
    """The same page for each parent in one query (ROW_NUMBER() over each parent's rows).

    With an ORM `entity`, `stmt` selects it first, then any labelled extra columns, and rows
    come back the same way. With `entity=None`, `stmt` selects plain columns, and `convert`
    builds each row's record from them (they come first, in the same order).

    With a `shape` (what `stmt` depends on: its viewer, filter, ordering), the page
    statement is built once per shape, direction and cursor shape, and the parents, the page
    size and the cursor values are parameters.
    """
    dialect = dialect_of(session)

    def build() -> Any:
        return _partitioned_statement(stmt, entity, keys, page, partition, dialect)

    if shape is None:
        outer = build()
    else:
        nulls = None if page.after is None else tuple(v is None for v in page.after)
        outer = statements.get(("pages", dialect, shape, page.forward, nulls), build)
    params = {
        "pg_parents": list(parent_ids),
        "pg_limit": page.limit + 1,
        **cursor_values(page.after or ()),
    }
    grouped: dict[Any, list[Any]] = {pid: [] for pid in parent_ids}
    for row in (await session.execute(outer, params)).all():
        grouped[row.pg_parent].append(row)
    return {pid: _shape(rows, keys, page, convert) for pid, rows in grouped.items()}


def _partitioned_statement(
    stmt: AnySelect,
    entity: type[Any] | None,
    keys: Sequence[SortKey],
    page: Page,
    partition: Any,
    dialect: str,
) -> Any:
    reverse = not page.forward
    stmt = stmt.where(in_ids(partition, dialect, "pg_parents"))
    if page.after is not None:
        stmt = stmt.where(after_predicate(keys, cursor_params(keys, page.after), reverse=reverse))
    row_number = func.row_number().over(
        partition_by=partition, order_by=order_clauses(keys, reverse=reverse)
    )
    extra_names = [d["name"] for d in stmt.column_descriptions[1:]]
    inner = stmt.add_columns(
        partition.label("pg_parent"),
        row_number.label("pg_rn"),
        *(k.expr.label(_label(i)) for i, k in enumerate(keys)),
    ).subquery()
    picked: list[Any] = (
        [aliased(entity, inner), *(inner.c[name] for name in extra_names)]
        if entity is not None
        else [c for c in inner.c if c.key not in ("pg_parent", "pg_rn")][: -len(keys)]
    )
    return (
        select(*picked, inner.c.pg_parent, *(inner.c[_label(i)] for i in range(len(keys))))
        .where(inner.c.pg_rn <= bindparam("pg_limit"))
        .order_by(inner.c.pg_parent, inner.c.pg_rn)
    )


def _shape(
    result: Sequence[Any],
    keys: Sequence[SortKey],
    page: Page,
    convert: Callable[[Any], Any] | None = None,
) -> PageResult:
    has_more = len(result) > page.limit
    rows = list(result[: page.limit])
    if not page.forward:
        rows.reverse()
    width = len(keys)
    write = CursorWriter(keys)
    cursors = [write(r[-width:]) for r in rows]
    if convert is not None:
        rows = [convert(r) for r in rows]
    return PageResult(
        rows=rows,
        cursors=cursors,
        has_next=has_more if page.forward else page.after is not None,
        has_previous=page.after is not None if page.forward else has_more,
    )
