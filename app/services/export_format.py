"""Bulk export: its kinds, columns, `--as-of` rule and line formats (pure functions, no I/O).

Every kind has a fixed list of columns (the README's "Bulk export" section documents them);
a JSON Lines row is one object with exactly those keys, a CSV file has them as its header.
CSV cells: empty for null, `true`/`false`, ISO 8601 for dates and times (UTC, `Z`), JSON text
for lists.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

FORMATS = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}

COLUMNS: dict[str, tuple[str, ...]] = {
    "models": (
        "model",
        "organization",
        "slug",
        "name",
        "description",
        "license",
        "family",
        "open_weight",
        "model_type",
        "modalities",
        "task",
        "framework",
        "context_window",
        "param_count",
        "release_date",
        "source",
        "url",
        "is_public",
        "download_count",
        "created_at",
        "updated_at",
    ),
    "versions": (
        "model",
        "version",
        "artifact_id",
        "status",
        "is_prerelease",
        "is_public",
        "framework",
        "architecture",
        "task",
        "base_model",
        "file_size_bytes",
        "download_count",
        "created_at",
        "updated_at",
    ),
    "scores": (
        "model",
        "benchmark",
        "benchmark_name",
        "category",
        "score",
        "max_score",
        "normalized_score",
        "kind",
        "is_self_reported",
        "is_verified",
        "source",
        "variant",
        "version",
        "scored_at",
        "uncertainty",
        "source_url",
    ),
    "prices": (
        "model",
        "provider",
        "provider_name",
        "status",
        "input_price_per_m",
        "output_price_per_m",
        "valid_from",
        "valid_to",
        "source",
        "source_url",
    ),
}
KINDS = tuple(COLUMNS)


def as_of_moment(day: date) -> datetime:
    """`--as-of DAY` means "as known at the end of that day, UTC": the last instant of it."""
    return datetime.combine(day, time.max, UTC)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def timestamp(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text.removesuffix("+00:00") + "Z"


def record(kind: str, row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row as JSON-ready values, with exactly the kind's columns in order."""
    return {column: _json_value(row[column]) for column in COLUMNS[kind]}


def jsonl_lines(kind: str, rows: Iterable[Mapping[Any, Any]]) -> str:
    return "".join(
        json.dumps(record(kind, row), ensure_ascii=False, separators=(",", ":")) + "\n"
        for row in rows
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _csv(cells: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(cells)
    return buffer.getvalue()


def csv_header(kind: str) -> str:
    return _csv([COLUMNS[kind]])


def csv_lines(kind: str, rows: Iterable[Mapping[Any, Any]]) -> str:
    return _csv([[_cell(v) for v in record(kind, row).values()] for row in rows])


def header(kind: str, format_: str) -> str:
    """What a file of this format starts with (CSV: its header line)."""
    return csv_header(kind) if format_ == "csv" else ""


def lines(kind: str, format_: str, rows: Iterable[Mapping[Any, Any]]) -> str:
    return csv_lines(kind, rows) if format_ == "csv" else jsonl_lines(kind, rows)
