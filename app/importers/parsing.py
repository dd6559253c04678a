"""Small helpers the source parsers share: reading files, checking cell types, dates."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.importers.records import ParsedSource, UnreadableSource


class BadValue(ValueError):
    """A field of one row has the wrong type or format (the row is skipped and reported)."""


def source_file(path: Path, file_name: str) -> Path:
    """PATH itself, or `file_name` inside it when PATH is the data set's directory."""
    if path.is_dir():
        path = path / file_name
    if not path.is_file():
        raise UnreadableSource(str(path), "file not found")
    return path


def read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableSource(str(path), f"cannot read file: {exc}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableSource(
            f"{path}:{exc.lineno}",
            f"invalid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}",
        ) from exc


def opt_str(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadValue(f"{key} must be a string, got {type(value).__name__}")
    return value


def req_str(item: dict[str, Any], key: str) -> str:
    value = opt_str(item, key)
    if value is None:
        raise BadValue(f"{key} is missing")
    return value


def opt_number(item: dict[str, Any], key: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(f"{key} must be a number, got {type(value).__name__}")
    return float(value)


def req_number(item: dict[str, Any], key: str) -> float:
    value = opt_number(item, key)
    if value is None:
        raise BadValue(f"{key} is missing")
    return value


def opt_int(item: dict[str, Any], key: str) -> int | None:
    value = opt_number(item, key)
    if value is None:
        return None
    if value != int(value):
        raise BadValue(f"{key} must be a whole number, got {value}")
    return int(value)


def opt_bool(item: dict[str, Any], key: str) -> bool | None:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise BadValue(f"{key} must be true or false, got {type(value).__name__}")
    return value


def opt_date(item: dict[str, Any], key: str) -> date | None:
    text = opt_str(item, key)
    if text is None:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise BadValue(f"{key} is not a date: {text!r}") from exc


def parse_timestamp(text: str) -> datetime:
    stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def ignored_observed_at(own: datetime, what: str, observed_at: date | None) -> list[str]:
    """A note when `--observed-at` names another day than the snapshot's own date (`what`),
    which wins: the option dates only snapshots that carry no date of their own."""
    if observed_at is None or observed_at == own.date():
        return []
    return [f"--observed-at {observed_at} ignored: the snapshot is dated {own.date()} ({what})"]


def observed_date(text: str) -> date:
    """`catalog import --observed-at DATE`: a calendar day, `YYYY-MM-DD`."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def date_undated(out: ParsedSource, observed_at: date | None) -> ParsedSource:
    """`--observed-at` for a snapshot without a date of its own: the snapshot's moment
    (`as_of`, where the parser found none) and the date of every score that has none."""
    if observed_at is None:
        return out
    moment = start_of_day(observed_at)
    if out.as_of is None:
        out.as_of = moment
    out.scores = [s if s.scored_at else replace(s, scored_at=moment) for s in out.scores]
    return out


def per_token_to_per_million(value: float | None) -> float | None:
    """USD per token -> USD per million tokens (rounded to hide float noise: idempotence)."""
    return None if value is None else round(value * 1_000_000, 6)


def cents_per_million_to_usd(value: float | None) -> float | None:
    """US cents per million tokens -> USD per million tokens."""
    return None if value is None else round(value / 100, 6)
