"""Reading the CSV sources (Epoch, LMArena, Open LLM Leaderboard): rows with their line numbers,
cells checked one by one so a bad cell becomes a `Problem` that names its column and value."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from app.importers.records import UnreadableSource

csv.field_size_limit(16 * 1024 * 1024)  # Epoch's abstracts and notes are long quoted fields


class BadCell(ValueError):
    """One cell of a row has the wrong type or format: the row is skipped and reported."""


@dataclass(frozen=True, slots=True)
class Row:
    path: Path
    line: int  # 1-based line where the record starts (quoted fields may span lines)
    cells: dict[str, str]

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def text(self, column: str) -> str:
        """The cell, stripped ("" when the column is absent or the cell is empty)."""
        return (self.cells.get(column) or "").strip()

    def first(self, *columns: str) -> str:
        """The first non-empty cell among `columns`."""
        for column in columns:
            if value := self.text(column):
                return value
        return ""


def read_rows(path: Path, required: Sequence[str]) -> tuple[list[str], list[Row]]:
    """The header and rows of a CSV file; `UnreadableSource` when it is not a CSV with the
    `required` columns (or cannot be decoded)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableSource(str(path), f"cannot read file: {exc}") from exc
    try:
        return _parse(path, text, required)
    except csv.Error as exc:
        raise UnreadableSource(str(path), f"not a valid CSV file: {exc}") from exc


def _parse(path: Path, text: str, required: Sequence[str]) -> tuple[list[str], list[Row]]:
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    header = next(reader, None)
    if not header:
        raise UnreadableSource(f"{path}:1", "empty file (no header row)")
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise UnreadableSource(f"{path}:1", f"missing required column(s): {', '.join(missing)}")
    rows: list[Row] = []
    start = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            if len(record) != len(header):
                raise UnreadableSource(
                    f"{path}:{start}",
                    f"row has {len(record)} cells, the header has {len(header)} (truncated file?)",
                )
            rows.append(Row(path, start, dict(zip(header, record, strict=True))))
        start = reader.line_num + 1
    return header, rows


def iter_csv_files(path: Path, pattern: str = "*.csv") -> Iterator[Path]:
    if path.is_dir():
        yield from sorted(path.glob(pattern))
    else:
        yield path


def number(row: Row, column: str) -> float | None:
    """A numeric cell (None when empty); `BadCell` when it is not a finite number."""
    raw = row.text(column)
    if raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadCell(f"{column} {raw!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise BadCell(f"{column} {raw!r} is not a finite number")
    return value


def day(row: Row, column: str) -> datetime | None:
    """A `YYYY-MM-DD` (or ISO timestamp) cell as a UTC datetime; None when empty."""
    raw = row.text(column)
    if raw == "":
        return None
    try:
        if len(raw) > 10:
            stamp = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        found = date.fromisoformat(raw)
    except ValueError:
        raise BadCell(f"{column} {raw!r} is not a date") from None
    return datetime(found.year, found.month, found.day, tzinfo=UTC)


_SLUG_CHARS = re.compile(r"[^a-z0-9._-]+")


def slug(text: str) -> str:
    """An organization slug: lowercase `[a-z0-9._-]`, other runs of characters become `-`."""
    return _SLUG_CHARS.sub("-", text.strip().lower()).strip("-.")[:100] or "unknown"


def half_width(text: str) -> float:
    """LMArena-style confidence interval `+5/-4` (optionally prefixed `=`) -> mean half-width."""
    found = re.fullmatch(r"=?\s*\+\s*(\d+(?:\.\d+)?)\s*/\s*-\s*(\d+(?:\.\d+)?)", text.strip())
    if found is None:
        raise BadCell(f"confidence interval {text!r} is not of the form '+a/-b'")
    return (float(found.group(1)) + float(found.group(2))) / 2
