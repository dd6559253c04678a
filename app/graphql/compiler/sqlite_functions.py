"""SQL functions SQLite lacks, installed on every SQLite connection: the compiler's spellings.

SQLite has no base64 and prints floats with 15 digits; these functions give the compiled
statements exactly the resolver path's text (they call the same Python code), so that the two
paths answer byte for byte alike where it matters (cursors, ids) and value for value elsewhere.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from app.repositories import keyset

_KEYS: dict[tuple[Any, ...], int] = {}
_BY_ID: list[keyset.CursorWriter] = []


def register_keys(keys: Sequence[keyset.SortKey]) -> int:
    """A number standing for an ordering, for `catalog_cursor` (statements are built once, so
    this registry holds one entry per distinct ordering)."""
    signature = (keyset.ordering_tag(keys), tuple(k.codec for k in keys))
    found = _KEYS.get(signature)
    if found is None:
        found = len(_BY_ID)
        _BY_ID.append(keyset.CursorWriter(keys))
        _KEYS[signature] = found
    return found


def _utc(text: str | None) -> datetime | None:
    if text is None:
        return None
    parsed = datetime.fromisoformat(text)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _value(raw: Any, codec: str) -> Any:
    if raw is None:
        return None
    if codec == "date":
        return date.fromisoformat(raw)
    if codec == "datetime":
        return _utc(raw)
    if codec == "bool":
        return bool(raw)
    if codec == "float":
        return float(raw)
    if codec == "bytes":
        return bytes(raw)
    return raw


def catalog_cursor(keys_id: int, *values: Any) -> str:
    write = _BY_ID[keys_id]
    return write([_value(v, codec) for v, codec in zip(values, write.codecs, strict=True)])


def catalog_float(value: Any) -> str | None:
    return None if value is None else repr(float(value))


def catalog_datetime(value: str | None) -> str | None:
    parsed = _utc(value)
    return None if parsed is None else parsed.isoformat()


def catalog_global_id(type_name: str, pk: int | None) -> str | None:
    if pk is None:
        return None
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def install(dbapi_connection: Any) -> None:
    """Register the functions on a new connection (the engine's `connect` event)."""
    dbapi_connection.create_function("catalog_cursor", -1, catalog_cursor, deterministic=True)
    dbapi_connection.create_function("catalog_float", 1, catalog_float, deterministic=True)
    dbapi_connection.create_function("catalog_datetime", 1, catalog_datetime, deterministic=True)
    dbapi_connection.create_function("catalog_global_id", 2, catalog_global_id, deterministic=True)
