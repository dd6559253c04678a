"""Inputs for benchmarks, scores, providers and prices (checked by their commands)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.graphql.types.enums import ScoreKind


@strawberry.input
class BenchmarkInput:
    slug: str
    name: str
    category: str | None = None
    max_score: float | None = strawberry.field(
        default=None, description="Null for unbounded scales."
    )
    higher_is_better: bool = True
    description: str | None = None
    url: str | None = None


@strawberry.input(description="A score of a model (`org/name`) on a benchmark (slug).")
class ScoreInput:
    org: str
    name: str
    benchmark: str
    score: float
    max_score: float | None = strawberry.field(
        default=None, description="Defaults to the benchmark's."
    )
    version: str | None = None
    kind: ScoreKind = ScoreKind.SELF_REPORTED
    scored_at: datetime | None = None
    source: str | None = None
    source_url: str | None = None
    uncertainty: float | None = None


@strawberry.input
class ProviderInput:
    slug: str
    name: str
    url: str | None = None


@strawberry.input(description="A provider's price for a model, USD per million tokens.")
class PricingInput:
    provider: str = strawberry.field(description="Provider slug.")
    org: str
    name: str
    input_price_per_m: float | None
    output_price_per_m: float | None
    status: str = "active"
    source_url: str | None = None
