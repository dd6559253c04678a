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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, TypeAlias

from sqlalchemy import BigInteger, ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.errors import InvalidRequest

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


def encode_cursor(values: Sequence[Any], keys: Sequence[SortKey]) -> str:
    payload = {
        "o": ordering_tag(keys),
        "v": [_encode_value(v, k.codec) for v, k in zip(values, keys, strict=True)],
    }
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


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
    """Rows strictly after `values` in the ordering (before it when `reverse`)."""
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


def _label(index: int) -> str:
    return f"pg_k{index}"


async def fetch_page(
    session: AsyncSession, stmt: AnySelect, keys: Sequence[SortKey], page: Page
) -> PageResult:
    """One page of `stmt` (whose first column is the entity) in the order of `keys`."""
    reverse = not page.forward
    if page.after is not None:
        stmt = stmt.where(after_predicate(keys, page.after, reverse=reverse))
    stmt = stmt.add_columns(*(k.expr.label(_label(i)) for i, k in enumerate(keys)))
    stmt = stmt.order_by(*order_clauses(keys, reverse=reverse)).limit(page.limit + 1)
    result = (await session.execute(stmt)).all()
    return _shape(result, keys, page)


async def fetch_partitioned_pages(
    session: AsyncSession,
    stmt: AnySelect,
    entity: type[Any],
    keys: Sequence[SortKey],
    page: Page,
    partition: Any,
    parent_ids: Sequence[Any],
) -> dict[Any, PageResult]:
    """The same page for each parent in one query (ROW_NUMBER() over each parent's rows).

    `stmt` selects `entity` first, then any labelled extra columns; rows come back the same way.
    """
    reverse = not page.forward
    stmt = stmt.where(partition.in_(parent_ids))
    if page.after is not None:
        stmt = stmt.where(after_predicate(keys, page.after, reverse=reverse))
    row_number = func.row_number().over(
        partition_by=partition, order_by=order_clauses(keys, reverse=reverse)
    )
    extra_names = [d["name"] for d in stmt.column_descriptions[1:]]
    inner = stmt.add_columns(
        partition.label("pg_parent"),
        row_number.label("pg_rn"),
        *(k.expr.label(_label(i)) for i, k in enumerate(keys)),
    ).subquery()
    outer = (
        select(
            aliased(entity, inner),
            *(inner.c[name] for name in extra_names),
            inner.c.pg_parent,
            *(inner.c[_label(i)] for i in range(len(keys))),
        )
        .where(inner.c.pg_rn <= page.limit + 1)
        .order_by(inner.c.pg_parent, inner.c.pg_rn)
    )
    grouped: dict[Any, list[Any]] = {pid: [] for pid in parent_ids}
    for row in (await session.execute(outer)).all():
        grouped[row.pg_parent].append(row)
    return {pid: _shape(rows, keys, page) for pid, rows in grouped.items()}


def _shape(result: Sequence[Any], keys: Sequence[SortKey], page: Page) -> PageResult:
    has_more = len(result) > page.limit
    rows = list(result[: page.limit])
    if not page.forward:
        rows.reverse()
    cursors = [encode_cursor([getattr(r, _label(i)) for i in range(len(keys))], keys) for r in rows]
    return PageResult(
        rows=rows,
        cursors=cursors,
        has_next=has_more if page.forward else page.after is not None,
        has_previous=page.after is not None if page.forward else has_more,
    )
