"""Typed, frozen records: what the read side's repositories return (never ORM instances).

Each record's fields are named after its table's columns; `columns(Record, table)` selects
exactly those, in field order, so that `Record.build(row, start)` takes them positionally
from a Core row (no ORM identity map, no instance state, no per-attribute instrumentation).
A record of a model carries its organization, license and family, joined in the same
statement: the GraphQL relations then need no statement of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, ClassVar, Self

from sqlalchemy import ColumnElement, FromClause
from sqlalchemy.engine import Row


class Record:
    """Flat records: `build` takes `len(fields)` values from `row`, starting at `start`."""

    names: ClassVar[tuple[str, ...]]
    width: ClassVar[int]

    @classmethod
    def build(cls, row: Row[Any] | tuple[Any, ...], start: int = 0) -> Self:
        return cls(*row[start : start + cls.width])


def columns(record: type[Record], table: FromClause, prefix: str = "") -> list[ColumnElement[Any]]:
    """The record's columns of `table` in field order, labelled `prefix + name` when a prefix
    is given (several tables' columns in one row)."""
    picked = [table.c[name] for name in record.names]
    return [c.label(prefix + c.key) for c in picked] if prefix else list(picked)


def _sized(record: type[Record]) -> None:
    record.names = tuple(f.name for f in fields(record))  # type: ignore[arg-type]
    record.width = len(record.names)


@dataclass(frozen=True, slots=True)
class OrganizationRecord(Record):
    id: int
    slug: str
    name: str
    description: str | None
    url: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LicenseRecord(Record):
    id: int
    slug: str
    name: str
    allow_commercial: bool
    url: str | None


@dataclass(frozen=True, slots=True)
class FamilyRecord(Record):
    id: int
    slug: str
    name: str
    organization_id: int | None


@dataclass(frozen=True, slots=True)
class BenchmarkRecord(Record):
    id: int
    slug: str
    name: str
    category: str | None
    max_score: float | None
    higher_is_better: bool
    description: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class ModelColumns(Record):
    """The `models` table's columns."""

    id: int
    organization_id: int
    slug: str
    name: str
    description: str
    license_id: int | None
    family_id: int | None
    base_model_id: int | None
    open_weight: bool
    model_type: str | None
    task: str | None
    framework: str | None
    context_window: int | None
    param_count: int | None
    release_date: date | None
    source: str | None
    url: str | None
    source_api_ref: str | None
    source_paper: str | None
    source_weights: str | None
    source_repo: str | None
    is_public: bool
    download_count: int
    modalities: list[str] | None
    tags: list[dict[str, Any]] | None
    author: str | None
    permalink: str | None
    features: list[str] | None
    images: list[str] | None
    is_active: bool
    is_recommended: bool
    is_commercial: bool
    is_expired: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """A model with its organization, license and family."""

    model: ModelColumns
    organization: OrganizationRecord
    license: LicenseRecord | None
    family: FamilyRecord | None

    @property
    def id(self) -> int:
        return self.model.id

    @property
    def canonical_name(self) -> str:
        return f"{self.organization.slug}/{self.model.slug}"


@dataclass(frozen=True, slots=True)
class ScoreColumns(Record):
    """The `benchmark_scores` table's columns."""

    id: int
    model_id: int
    benchmark_id: int
    version_id: int | None
    score: float
    max_score: float | None
    normalized_score: float | None
    is_self_reported: bool
    is_verified: bool
    kind: str
    scored_at: datetime | None
    source: str | None
    source_url: str | None
    uncertainty: float | None


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    """A score with its benchmark."""

    score: ScoreColumns
    benchmark: BenchmarkRecord


for _record in (
    OrganizationRecord,
    LicenseRecord,
    FamilyRecord,
    BenchmarkRecord,
    ModelColumns,
    ScoreColumns,
):
    _sized(_record)


def optional(record: type[Record], row: Row[Any], start: int) -> Any:
    """A record of an outer-joined table, or None where the join found nothing (null id)."""
    return record.build(row, start) if row[start] is not None else None
