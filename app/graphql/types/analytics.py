"""Dashboard analytics: score conflicts, the price/score frontier, cost estimates and
model comparisons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.graphql import context
from app.graphql.scalars import BigInt
from app.graphql.types.provider import ProviderPricing
from app.graphql.types.score import Benchmark, BenchmarkScore

if TYPE_CHECKING:
    from app.graphql.types.model import Model

ModelRef = Annotated["Model", strawberry.lazy("app.graphql.types.model")]


async def _model(info: Info, pk: int) -> Any:
    from app.graphql.types.model import Model

    return Model.from_record(await context.loaders(info).model_by_id.load(pk))


@strawberry.type(
    description="A (model, benchmark) pair whose sources disagree: each source's normalized "
    "score (its mean where it reports several) differs from another's by more than the margin."
)
class ScoreConflict:
    model_pk: strawberry.Private[int]
    benchmark_pk: strawberry.Private[int]
    spread: float = strawberry.field(description="Highest minus lowest source score (0-100).")
    highest: float = strawberry.field(description="The highest source's normalized score.")
    lowest: float = strawberry.field(description="The lowest source's normalized score.")
    source_count: int = strawberry.field(description="How many sources scored the pair.")

    @classmethod
    def from_row(cls, row: Any) -> ScoreConflict:
        return cls(
            model_pk=row.model_id,
            benchmark_pk=row.benchmark_id,
            spread=float(row.spread),
            highest=float(row.highest),
            lowest=float(row.lowest),
            source_count=int(row.source_count),
        )

    @strawberry.field(description="The model scored.")
    async def model(self, info: Info) -> ModelRef:
        model: Model = await _model(info, self.model_pk)
        return model

    @strawberry.field(description="The benchmark scored.")
    async def benchmark(self, info: Info) -> Benchmark:
        return Benchmark.from_row(
            await context.loaders(info).benchmark_by_id.load(self.benchmark_pk)
        )

    @strawberry.field(
        description="Every score of the pair with its source, best normalized score first."
    )
    async def scores(self, info: Info) -> list[BenchmarkScore]:
        rows = await context.loaders(info).scores_by_pair.load((self.model_pk, self.benchmark_pk))
        return [BenchmarkScore.from_row(row) for row in rows]


@strawberry.type(
    description="A model on the price/score frontier: no other model is both at most as "
    "expensive and at least as good (and better in one of the two)."
)
class FrontierPoint:
    model_pk: strawberry.Private[int]
    score: BenchmarkScore = strawberry.field(description="The model's best score on it.")
    normalized_score: float | None = strawberry.field(
        description="The score on a 0-100 scale; null where the benchmark's scale is unbounded."
    )
    blended_price: float = strawberry.field(
        description="The cheapest provider's blended price, USD per million tokens."
    )
    cheapest_provider: ProviderPricing = strawberry.field(
        description="The provider whose blended price places the model here."
    )

    @strawberry.field(description="The model on the frontier.")
    async def model(self, info: Info) -> ModelRef:
        model: Model = await _model(info, self.model_pk)
        return model


@strawberry.type(description="What a workload costs at one provider (USD).")
class ProviderCost:
    pricing: ProviderPricing = strawberry.field(description="The price the cost is computed from.")
    provider_id: str = strawberry.field(description="The provider's slug.")
    provider_name: str = strawberry.field(description="The provider's display name.")
    input_cost: float | None = strawberry.field(
        description="Cost of the input tokens, USD; null when the input price is unknown."
    )
    output_cost: float | None = strawberry.field(
        description="Cost of the output tokens, USD; null when the output price is unknown."
    )
    total_cost: float | None = strawberry.field(description="Null where a price is unknown.")


@strawberry.type(description="A workload's cost at every provider of a model, cheapest first.")
class CostEstimate:
    model_pk: strawberry.Private[int]
    input_tokens: BigInt = strawberry.field(description="The input tokens asked about.")
    output_tokens: BigInt = strawberry.field(description="The output tokens asked about.")
    currency: str = strawberry.field(description="Currency of every cost: `USD`.")
    providers: list[ProviderCost] = strawberry.field(
        description="One cost per provider, cheapest first; providers with an unknown price last."
    )

    @strawberry.field(description="The model priced.")
    async def model(self, info: Info) -> ModelRef:
        model: Model = await _model(info, self.model_pk)
        return model


@strawberry.type(description="One benchmark across the compared models.")
class BenchmarkComparison:
    benchmark_id: str = strawberry.field(description="The benchmark's slug.")
    benchmark_name: str = strawberry.field(description="The benchmark's display name.")
    values: list[float | None] = strawberry.field(
        description="Each model's best score (normalized where the scale is bounded), aligned "
        "with `models`; null where a model has none."
    )
    deltas: list[float | None] = strawberry.field(
        description="`values` minus the first model's value; null where either is missing."
    )
    scores: list[BenchmarkScore | None] = strawberry.field(
        description="The scores behind `values`, aligned with `models`."
    )


@strawberry.type(description="Several models side by side: one row per benchmark.")
class ModelComparison:
    model_pks: strawberry.Private[list[int]]
    benchmarks: list[str] = strawberry.field(description="Benchmark slugs, one per row.")
    rows: list[BenchmarkComparison] = strawberry.field(
        description="One row per benchmark, in the order of `benchmarks`."
    )

    @strawberry.field(description="The compared models, in the order asked.")
    async def models(self, info: Info) -> list[ModelRef]:
        from app.graphql.types.model import Model

        rows = await context.loaders(info).model_by_id.load_many(self.model_pks)
        return [Model.from_record(row) for row in rows]
