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
    slug: str = strawberry.field(description="Stable identifier, e.g. `mmlu`.")
    name: str = strawberry.field(description="Display name, e.g. `MMLU`.")
    category: str | None = strawberry.field(
        description="Category, e.g. `knowledge`, `reasoning`, `coding`; null when uncategorized."
    )
    max_score: float | None = strawberry.field(description="Null for unbounded scales (Elo).")
    higher_is_better: bool = strawberry.field(
        description="True when a higher score is better (false for error rates, latencies...)."
    )
    description: str | None = strawberry.field(
        description="What the benchmark measures; null when unknown."
    )
    url: str | None = strawberry.field(
        description="Where the benchmark is described; null when unknown."
    )

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
    benchmark_name: str = strawberry.field(description="The benchmark's display name.")
    category: str | None = strawberry.field(
        description="The benchmark's category; null when uncategorized."
    )
    score: float = strawberry.field(
        description="The score as reported, on the benchmark's own scale."
    )
    max_score: float | None = strawberry.field(
        description="The top of the scale the score is on (e.g. 100); null for "
        "unbounded scales such as Elo."
    )
    normalized_score: float | None = strawberry.field(description="0-100; null if unbounded.")
    is_self_reported: bool = strawberry.field(
        description="True when the model's makers reported the score themselves."
    )
    is_verified: bool = strawberry.field(
        description="True when a third party (e.g. llm-stats) verified the score."
    )
    kind: ScoreKind = strawberry.field(description="Who produced the score.")
    scored_at: datetime | None = strawberry.field(
        description="When the score was published or first observed (UTC); null when unknown."
    )
    source: str | None = strawberry.field(
        description="Where the score comes from (a paper, leaderboard or "
        "importer); null when unknown."
    )
    source_url: str | None = strawberry.field(
        description="A link to the score's source; null when unknown."
    )
    uncertainty: float | None = strawberry.field(
        description="Reported uncertainty (e.g. a 95% interval half-width), on "
        "the score's scale; null when none was given."
    )
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

    @strawberry.field(description="The benchmark scored.")
    def benchmark(self, info: Info) -> Benchmark:
        if self.benchmark_record is not None:
            return Benchmark.from_row(self.benchmark_record)
        future = context.loaders(info).benchmark_by_id.load(self.benchmark_pk)
        return now_or_later(future, Benchmark.from_row)

    @strawberry.field(description="The model scored.")
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
    normalized_score: float | None = strawberry.field(
        description="The score on a 0-100 scale; null where the benchmark's scale is unbounded."
    )
    score: BenchmarkScore = strawberry.field(description="The model's best score on it.")

    @strawberry.field(description="The ranked model.")
    def model(self, info: Info) -> ModelRef:
        from app.graphql.types.model import Model

        future = context.loaders(info).model_by_id.load(self.score.model_pk)
        return now_or_later(future, Model.from_record)
