"""Benchmarks, benchmark scores and leaderboard entries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.graphql import context
from app.graphql.types.enums import ScoreKind
from app.graphql.types.node import Node, to_global_id
from app.graphql.types.version import ModelVersion

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

    @classmethod
    def from_row(cls, row: Any) -> BenchmarkScore:
        """From a (BenchmarkScoreRow, benchmark_slug, benchmark_name, benchmark_category) row."""
        s = row[0]
        return cls(
            id=to_global_id("BenchmarkScore", s.id),
            pk=s.id,
            model_pk=s.model_id,
            benchmark_pk=s.benchmark_id,
            version_pk=s.version_id,
            benchmark_id=row.benchmark_slug,
            benchmark_name=row.benchmark_name,
            category=row.benchmark_category,
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
        )

    @strawberry.field
    async def benchmark(self, info: Info) -> Benchmark:
        return Benchmark.from_row(
            await context.loaders(info).benchmark_by_id.load(self.benchmark_pk)
        )

    @strawberry.field
    async def model(self, info: Info) -> ModelRef:
        from app.graphql.types.model import Model

        return Model.from_record(await context.loaders(info).model_by_id.load(self.model_pk))

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
    async def model(self, info: Info) -> ModelRef:
        from app.graphql.types.model import Model

        return Model.from_record(await context.loaders(info).model_by_id.load(self.score.model_pk))
