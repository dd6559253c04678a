"""Benchmarks, benchmark scores and leaderboard entries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.graphql import context
from app.graphql.batching import now_or_later
from app.graphql.types.enums import ScoreKind
from app.graphql.types.node import Node, to_global_id
from app.graphql.types.version import ModelVersion
from app.repositories.records import BenchmarkRecord, ScoreColumns, ScoreRecord

if TYPE_CHECKING:
    from app.graphql.types.model import Model

ModelRef = Annotated["Model", strawberry.lazy("app.graphql.types.model")]


@strawberry.type(description="A benchmark models are scored on.")
class Benchmark(Node):
    pk: strawberry.Private[int]
    slug: str
    name: str
    category: str | None
    max_score: float | None = strawberry.field(description="Null for unbounded scales (Elo).")
    higher_is_better: bool
    description: str | None
    url: str | None

    @classmethod
    def from_row(cls, row: Any) -> Benchmark:
        return cls(
            id=to_global_id("Benchmark", row.id),
            pk=row.id,
            slug=row.slug,
            name=row.name,
            category=row.category,
            max_score=row.max_score,
            higher_is_better=row.higher_is_better,
            description=row.description,
            url=row.url,
        )


@strawberry.type(description="A model's score on a benchmark, with its provenance.")
class BenchmarkScore(Node):
    pk: strawberry.Private[int]
    model_pk: strawberry.Private[int]
    benchmark_pk: strawberry.Private[int]
    version_pk: strawberry.Private[int | None]
    benchmark_id: str = strawberry.field(description="The benchmark's slug.")
    benchmark_name: str
    category: str | None
    score: float
    max_score: float | None
    normalized_score: float | None = strawberry.field(description="0-100; null if unbounded.")
    is_self_reported: bool
    is_verified: bool
    kind: ScoreKind
    scored_at: datetime | None
    source: str | None
    source_url: str | None
    uncertainty: float | None
    # The benchmark, when the score's row carried it (records do): no loader needed.
    benchmark_record: strawberry.Private[BenchmarkRecord | None] = None

    @classmethod
    def from_record(cls, record: ScoreRecord) -> BenchmarkScore:
        b = record.benchmark
        return cls._of(record.score, b.slug, b.name, b.category, b)

    @classmethod
    def from_row(cls, row: Any) -> BenchmarkScore:
        """From a (BenchmarkScoreRow, benchmark_slug, benchmark_name, benchmark_category) row
        (the analytics queries' shape)."""
        return cls._of(row[0], row.benchmark_slug, row.benchmark_name, row.benchmark_category)

    @classmethod
    def _of(
        cls,
        s: ScoreColumns | Any,
        benchmark_slug: str,
        benchmark_name: str,
        category: str | None,
        benchmark: BenchmarkRecord | None = None,
    ) -> BenchmarkScore:
        """From a score's columns (a record's or an ORM row's: the same names)."""
        return cls(
            id=to_global_id("BenchmarkScore", s.id),
            pk=s.id,
            model_pk=s.model_id,
            benchmark_pk=s.benchmark_id,
            version_pk=s.version_id,
            benchmark_id=benchmark_slug,
            benchmark_name=benchmark_name,
            category=category,
            score=s.score,
            max_score=s.max_score,
            normalized_score=s.normalized_score,
            is_self_reported=s.is_self_reported,
            is_verified=s.is_verified,
            kind=ScoreKind(s.kind),
            scored_at=s.scored_at,
            source=s.source,
            source_url=s.source_url,
            uncertainty=s.uncertainty,
            benchmark_record=benchmark,
        )

    @strawberry.field
    def benchmark(self, info: Info) -> Benchmark:
        if self.benchmark_record is not None:
            return Benchmark.from_row(self.benchmark_record)
        future = context.loaders(info).benchmark_by_id.load(self.benchmark_pk)
        return now_or_later(future, Benchmark.from_row)

    @strawberry.field
    def model(self, info: Info) -> ModelRef:
        from app.graphql.types.model import Model

        future = context.loaders(info).model_by_id.load(self.model_pk)
        return now_or_later(future, Model.from_record)

    @strawberry.field(description="The version scored, when the score is tied to one.")
    async def version(self, info: Info) -> ModelVersion | None:
        if self.version_pk is None:
            return None
        row = await context.loaders(info).version_by_id.load(self.version_pk)
        return ModelVersion.from_row(row) if row is not None else None


@strawberry.type(description="A model's place on a benchmark's leaderboard.")
class LeaderboardEntry:
    rank: int = strawberry.field(description="Competition rank: ties share a rank (1, 2, 2, 4).")
    normalized_score: float | None
    score: BenchmarkScore = strawberry.field(description="The model's best score on it.")

    @strawberry.field
    def model(self, info: Info) -> ModelRef:
        from app.graphql.types.model import Model

        future = context.loaders(info).model_by_id.load(self.score.model_pk)
        return now_or_later(future, Model.from_record)
