"""Inputs for benchmarks, scores, providers and prices (checked by their commands)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.graphql.types.enums import ScoreKind


@strawberry.input(description="A benchmark to create, or to update when its slug exists.")
class BenchmarkInput:
    slug: str = strawberry.field(
        description="Stable identifier (lowercase letters, digits, `.`, `_`, `-`), e.g. `mmlu`."
    )
    name: str = strawberry.field(description="Display name (1-200 characters).")
    category: str | None = strawberry.field(
        default=None,
        description="Category, e.g. `knowledge` (at most 100 characters); null for none.",
    )
    max_score: float | None = strawberry.field(
        default=None, description="Null for unbounded scales."
    )
    higher_is_better: bool = strawberry.field(
        default=True, description="True (the default) when a higher score is better."
    )
    description: str | None = strawberry.field(
        default=None, description="What the benchmark measures."
    )
    url: str | None = strawberry.field(
        default=None, description="An http(s) URL describing the benchmark."
    )


@strawberry.input(description="A score of a model (`org/name`) on a benchmark (slug).")
class ScoreInput:
    org: str = strawberry.field(description="The model's organization slug.")
    name: str = strawberry.field(description="The model's slug.")
    benchmark: str = strawberry.field(description="The benchmark's slug.")
    score: float = strawberry.field(
        description="The score on the benchmark's scale (a finite number)."
    )
    max_score: float | None = strawberry.field(
        default=None, description="Defaults to the benchmark's."
    )
    version: str | None = strawberry.field(
        default=None,
        description="The version scored (a version string), when the score is tied to one.",
    )
    kind: ScoreKind = strawberry.field(
        default=ScoreKind.SELF_REPORTED,
        description="Who produced the score; default SELF_REPORTED.",
    )
    scored_at: datetime | None = strawberry.field(
        default=None, description="When the score was published (UTC)."
    )
    source: str | None = strawberry.field(
        default=None, description="Where the score comes from, in words."
    )
    source_url: str | None = strawberry.field(
        default=None, description="A link to the source (http or https)."
    )
    uncertainty: float | None = strawberry.field(
        default=None, description="Reported uncertainty on the score's scale (≥ 0)."
    )


@strawberry.input(description="An inference provider to create, or to update when its slug exists.")
class ProviderInput:
    slug: str = strawberry.field(
        description="Stable identifier (lowercase letters, digits, `.`, `_`, `-`)."
    )
    name: str = strawberry.field(description="Display name (1-200 characters).")
    url: str | None = strawberry.field(default=None, description="Home page (http or https).")


@strawberry.input(description="A provider's price for a model, USD per million tokens.")
class PricingInput:
    provider: str = strawberry.field(description="Provider slug.")
    org: str = strawberry.field(description="The model's organization slug.")
    name: str = strawberry.field(description="The model's slug.")
    input_price_per_m: float | None = strawberry.field(
        description="USD per million input tokens (≥ 0); null when unknown."
    )
    output_price_per_m: float | None = strawberry.field(
        description="USD per million output tokens (≥ 0); null when unknown."
    )
    status: str = strawberry.field(
        default="active",
        description="One of `active` (default), `deprecated`, `preview`, `unavailable`.",
    )
    source_url: str | None = strawberry.field(
        default=None, description="Where the price is published (http or https)."
    )
