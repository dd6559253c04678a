"""JSON built by the database, per dialect: objects, arrays, and GraphQL's scalar spellings.

Every value is spelled as the resolver path serializes it, so that a compiled answer equals
the resolver's: booleans as `true`/`false` (SQLite stores 0/1), floats with every digit (SQLite's
JSON keeps 15; `catalog_float` gives Python's `repr`), datetimes as Python's `isoformat()` of a
UTC datetime, global ids as base64 of `Type:pk`, cursors byte for byte as `keyset.encode_cursor`
(PostgreSQL in SQL; SQLite through `catalog_cursor`, which calls it). On SQLite a JSON value
that crosses a subquery loses its JSON subtype, so nested values are wrapped in `json()`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    String,
    Text,
    case,
    cast,
    func,
    literal,
    literal_column,
    null,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app.repositories import keyset

Expr = ColumnElement[Any]


def _text(value: str) -> Expr:
    """A constant of the compiler's own (keys, formats), written into the SQL."""
    return literal_column("'" + value.replace("'", "''") + "'", String)


class JsonSQL:
    """The JSON vocabulary of one dialect."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.pg = dialect == "postgresql"

    # -- structure ---------------------------------------------------------------------------

    def obj(self, pairs: Sequence[tuple[str, Expr]]) -> Expr:
        args: list[Any] = []
        for key, value in pairs:
            args.extend((_text(key), value))
        if self.pg:
            return func.json_build_object(*args)
        return func.json_object(*args)

    def nested(self, subquery: Expr) -> Expr:
        """A JSON value computed by a scalar subquery, as a JSON value of this level."""
        return subquery if self.pg else func.json(subquery)

    def agg(self, value: Expr, order_by: Sequence[Expr], where: Expr | None = None) -> Expr:
        """A JSON array of `value` over the rows, in `order_by` (SQLite: the rows' order,
        which the caller sets in the FROM subquery); `[]` when there are none."""
        if self.pg:
            aggregated: Any = func.json_agg(aggregate_order_by(value, *order_by))
            if where is not None:
                aggregated = aggregated.filter(where)
            return func.coalesce(aggregated, literal_column("'[]'::json"))
        grouped: Any = func.json_group_array(value)
        if where is not None:
            grouped = grouped.filter(where)
        return func.json(func.coalesce(grouped, _text("[]")))

    def string(self, value: str) -> Expr:
        return _text(value)

    def as_text(self, value: Expr) -> Expr:
        return cast(value, Text) if self.pg else value

    # -- scalars -------------------------------------------------------------------------

    def boolean(self, value: Expr) -> Expr:
        if self.pg:
            return value
        return case(
            (value.is_(None), null()),
            (value == literal_column("0"), func.json(_text("false"))),
            else_=func.json(_text("true")),
        )

    def real(self, value: Expr) -> Expr:
        if self.pg:
            return value
        return func.json(func.catalog_float(value))

    def datetime(self, value: Expr) -> Expr:
        """A UTC datetime as Python's isoformat() (microseconds only when not zero)."""
        if self.pg:
            utc = func.timezone(_text("UTC"), value)
            seconds = func.to_char(utc, _text('YYYY-MM-DD"T"HH24:MI:SS'))
            micro = case(
                (
                    func.extract("microseconds", value) % 1000000 != 0,
                    func.to_char(utc, _text(".US")),
                ),
                else_=_text(""),
            )
            return case(
                (value.is_(None), null()), else_=seconds.op("||")(micro).op("||")(_text("+00:00"))
            )
        return func.catalog_datetime(value)

    def date(self, value: Expr) -> Expr:
        if self.pg:
            return func.to_char(value, _text("YYYY-MM-DD"))
        return value

    def json_list(self, value: Expr) -> Expr:
        """A JSON column holding a list; null reads as []."""
        if self.pg:
            return func.coalesce(value, literal_column("'[]'::jsonb"))
        return func.json(func.coalesce(value, _text("[]")))

    def global_id(self, type_name: str, pk: Expr) -> Expr:
        if self.pg:
            raw = _text(f"{type_name}:").op("||")(cast(pk, Text))
            return func.encode(func.convert_to(raw, _text("UTF8")), _text("base64"))
        return func.catalog_global_id(_text(type_name), pk)

    def concat(self, *parts: Expr) -> Expr:
        result = parts[0]
        for part in parts[1:]:
            result = result.op("||")(part)
        return result

    def boolean_literal(self, value: bool) -> Expr:
        if self.pg:
            return literal(value, Boolean)
        return func.json(_text("true" if value else "false"))

    # -- cursors -------------------------------------------------------------------------

    def cursor(self, keys: Sequence[keyset.SortKey], values: Sequence[Expr]) -> Expr:
        """`keyset.encode_cursor(values, keys)` computed by the database."""
        if not self.pg:
            from app.graphql.compiler import sqlite_functions

            number = sqlite_functions.register_keys(keys)
            return func.catalog_cursor(literal_column(str(number)), *values)
        parts: list[Expr] = [_text('{"o": "' + keyset.ordering_tag(keys) + '", "v": [')]
        for index, (key, value) in enumerate(zip(keys, values, strict=True)):
            if index:
                parts.append(_text(", "))
            parts.append(func.coalesce(self._cursor_value(key, value), _text("null")))
        parts.append(_text("]}"))
        payload = func.convert_to(self.concat(*parts), _text("UTF8"))
        return func.translate(func.encode(payload, _text("base64")), _text("+/\n"), _text("-_"))

    def _cursor_value(self, key: keyset.SortKey, value: Expr) -> Expr:
        """A value as Python's json.dumps writes what `keyset._encode_value` gives."""
        codec = key.codec
        if codec == "int":
            return cast(value, Text)
        if codec == "str":
            return cast(func.to_json(value), Text)
        if codec == "bool":
            return case((value.is_(True), _text("true")), (value.is_(False), _text("false")))
        if codec == "float":
            # repr(): integral values keep ".0"; others PostgreSQL's shortest digits.
            return case(
                (
                    (value == func.trunc(value)) & (func.abs(value) < 1e16),
                    self.concat(cast(cast(value, BigInteger), Text), _text(".0")),
                ),
                else_=cast(value, Text),
            )
        if codec == "date":
            return self.concat(_text('"'), func.to_char(value, _text("YYYY-MM-DD")), _text('"'))
        if codec == "datetime":
            return self.concat(_text('"'), self.datetime(value), _text('"'))
        if codec == "bytes":
            return self.concat(_text('"'), func.encode(value, _text("hex")), _text('"'))
        raise ValueError(f"no cursor spelling for codec {codec}")
