"""Input types of the read API and their translation into repository filters."""

from __future__ import annotations

import math
from datetime import date
from typing import cast

import strawberry

from app.db.tables import BenchmarkRow
from app.errors import FieldError, ValidationFailed
from app.graphql.scalars import BigInt
from app.graphql.types.enums import ModelOrderField, OrderDirection, ScoreKind
from app.repositories.models import ModelFilter as ModelQuery
from app.repositories.models import ModelOrder as ModelOrderQuery
from app.repositories.models import OrderField
from app.repositories.pricing import PriceCap
from app.repositories.scores import Board
from app.repositories.scores import ScoreFilter as ScoreQuery
from app.services.pricing import DEFAULT_INPUT_OUTPUT_RATIO


@strawberry.input(description="Inclusive bounds; either may be omitted.")
class BigIntRange:
    min: BigInt | None = strawberry.field(
        default=None, description="Lower bound (inclusive); null or omitted: none."
    )
    max: BigInt | None = strawberry.field(
        default=None, description="Upper bound (inclusive); null or omitted: none."
    )


@strawberry.input(description="Inclusive bounds in USD per million tokens.")
class PriceRange:
    min: float | None = strawberry.field(
        default=None,
        description="Lowest price (inclusive), USD per million tokens; null or omitted: none.",
    )
    max: float | None = strawberry.field(
        default=None,
        description="Highest price (inclusive), USD per million tokens; null or omitted: none.",
    )


@strawberry.input(description="Inclusive date bounds.")
class DateRange:
    from_: date | None = strawberry.field(
        default=None,
        name="from",
        description="First day (inclusive); null or omitted: no lower bound.",
    )
    to: date | None = strawberry.field(
        default=None, description="Last day (inclusive); null or omitted: no upper bound."
    )


@strawberry.input(description="Narrows `models`; every field given must hold.")
class ModelFilter:
    organization: str | None = strawberry.field(default=None, description="Organization slug.")
    search: str | None = strawberry.field(
        default=None, description="Case-insensitive text in name, slug or description."
    )
    task: str | None = strawberry.field(
        default=None, description="Only models with this task, e.g. `text-generation`."
    )
    framework: str | None = strawberry.field(
        default=None, description="Only models of this framework or format, e.g. `gguf`."
    )
    model_type: str | None = strawberry.field(
        default=None, description="Only models of this type, e.g. `chat`."
    )
    modality: str | None = strawberry.field(
        default=None, description="Only models with this modality, e.g. `image`."
    )
    license: str | None = strawberry.field(default=None, description="License slug.")
    allow_commercial: bool | None = strawberry.field(
        default=None,
        description="Only models whose license allows (true) or forbids (false) commercial use.",
    )
    open_weight: bool | None = strawberry.field(
        default=None, description="Only open-weight models (true) or only closed ones (false)."
    )
    family: str | None = strawberry.field(default=None, description="Family slug.")
    provider: str | None = strawberry.field(
        default=None, description="Provider slug: models it currently prices."
    )
    tag: str | None = strawberry.field(default=None, description="Tag identifier.")
    has_benchmark: str | None = strawberry.field(
        default=None, description="Benchmark slug: models with a score on it."
    )
    context_window: BigIntRange | None = strawberry.field(
        default=None, description="Context window in tokens within these bounds."
    )
    param_count: BigIntRange | None = strawberry.field(
        default=None, description="Parameter count within these bounds."
    )
    input_price_per_m: PriceRange | None = strawberry.field(
        default=None, description="Some provider's current input price lies in the range."
    )
    output_price_per_m: PriceRange | None = strawberry.field(
        default=None, description="Some provider's current output price lies in the range."
    )
    release_date: DateRange | None = strawberry.field(
        default=None, description="Released within these days."
    )

    def to_query(self) -> ModelQuery:
        _check_ranges(self)
        cw, pc = self.context_window, self.param_count
        ip, op, rd = self.input_price_per_m, self.output_price_per_m, self.release_date
        return ModelQuery(
            organization=self.organization,
            search=self.search.strip() or None if self.search is not None else None,
            task=self.task,
            framework=self.framework,
            model_type=self.model_type,
            modality=self.modality,
            license=self.license,
            allow_commercial=self.allow_commercial,
            open_weight=self.open_weight,
            family=self.family,
            provider=self.provider,
            tag=self.tag,
            has_benchmark=self.has_benchmark,
            min_context_window=cw.min if cw else None,
            max_context_window=cw.max if cw else None,
            min_param_count=pc.min if pc else None,
            max_param_count=pc.max if pc else None,
            min_input_price=ip.min if ip else None,
            max_input_price=ip.max if ip else None,
            min_output_price=op.min if op else None,
            max_output_price=op.max if op else None,
            released_after=rd.from_ if rd else None,
            released_before=rd.to if rd else None,
        )


def _check_ranges(f: ModelFilter) -> None:
    problems = []
    ranges: list[tuple[str, object, object]] = [
        ("contextWindow", *_bounds(f.context_window)),
        ("paramCount", *_bounds(f.param_count)),
        ("inputPricePerM", *_bounds(f.input_price_per_m)),
        ("outputPricePerM", *_bounds(f.output_price_per_m)),
    ]
    if f.release_date is not None:
        ranges.append(("releaseDate", f.release_date.from_, f.release_date.to))
    for name, low, high in ranges:
        if low is not None and high is not None and low > high:  # type: ignore[operator]
            problems.append(FieldError(("filter", name), "min must not exceed max", "value_error"))
    if problems:
        raise ValidationFailed("Invalid filter", problems)


def _bounds(r: BigIntRange | PriceRange | None) -> tuple[object, object]:
    return (r.min, r.max) if r is not None else (None, None)


@strawberry.input(description="How to order `models`. BENCHMARK_SCORE needs `benchmark`.")
class ModelOrder:
    field: ModelOrderField = strawberry.field(
        default=ModelOrderField.NAME, description="What to order by; default NAME."
    )
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="ASC (default) or DESC."
    )
    benchmark: str | None = strawberry.field(
        default=None, description="Benchmark slug, for BENCHMARK_SCORE."
    )

    def to_query(self) -> ModelOrderQuery:
        if self.field is ModelOrderField.BENCHMARK_SCORE and not self.benchmark:
            raise ValidationFailed(
                "Ordering by BENCHMARK_SCORE needs a benchmark",
                [FieldError(("orderBy", "benchmark"), "required for BENCHMARK_SCORE", "missing")],
            )
        return ModelOrderQuery(
            # ModelOrderField's values are OrderField's names (tests/test_schema_descriptions.py).
            field=cast(OrderField, self.field.value),
            descending=self.direction is OrderDirection.DESC,
            benchmark=self.benchmark,
        )


@strawberry.input(description="Narrows a model's `scores`.")
class ScoreFilter:
    benchmark: str | None = strawberry.field(default=None, description="Benchmark slug.")
    source: str | None = strawberry.field(
        default=None, description="Only scores from this source (exact text)."
    )
    kind: ScoreKind | None = strawberry.field(default=None, description="Only scores of this kind.")
    self_reported: bool | None = strawberry.field(
        default=None, description="Only self-reported scores (true) or only others (false)."
    )

    def to_query(self) -> ScoreQuery:
        return ScoreQuery(
            benchmark=self.benchmark,
            source=self.source,
            kind=self.kind.value if self.kind else None,
            self_reported=self.self_reported,
        )


@strawberry.input(
    description="Narrows a leaderboard (or a frontier) to some models. Price bounds hold when "
    "some provider's current price satisfies them."
)
class LeaderboardFilter:
    organization: str | None = strawberry.field(default=None, description="Organization slug.")
    open_weight: bool | None = strawberry.field(
        default=None, description="Only open-weight models (true) or only closed ones (false)."
    )
    allow_commercial: bool | None = strawberry.field(
        default=None, description="The model's license allows (true) or forbids commercial use."
    )
    model_type: str | None = strawberry.field(
        default=None, description="Only models of this type, e.g. `chat`."
    )
    family: str | None = strawberry.field(default=None, description="Family slug.")
    max_input_price_per_m: float | None = strawberry.field(
        default=None, description="Some provider's current input price is at most this."
    )
    max_output_price_per_m: float | None = strawberry.field(
        default=None, description="Some provider's current output price is at most this."
    )
    max_blended_price_per_m: float | None = strawberry.field(
        default=None,
        description="Some provider's current blended price, (input * r + output) / (r + 1) "
        "with r = `inputOutputRatio`, is at most this (USD per million tokens).",
    )
    input_output_ratio: float | None = strawberry.field(
        default=None,
        description="Input tokens per output token for `maxBlendedPricePerM`; default 3 "
        "(in `frontier`, the frontier's own ratio).",
    )
    source: str | None = strawberry.field(
        default=None,
        description="Rank only scores from this source (e.g. `llm-stats`, `epoch`); by default "
        "a model's best score from any source ranks it.",
    )
    kind: ScoreKind | None = strawberry.field(
        default=None, description="Rank only scores of this kind (e.g. THIRD_PARTY)."
    )

    def board(
        self, benchmark: BenchmarkRow, default_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO
    ) -> Board:
        """What to rank on `benchmark`: which models, at what price, by which scores."""
        return Board(
            benchmark=benchmark,
            models=self.to_query(),
            cap=self.price_cap(default_ratio),
            scores=ScoreQuery(source=self.source, kind=self.kind.value if self.kind else None),
        )

    def to_query(self) -> ModelQuery:
        self.check()
        return ModelQuery(
            organization=self.organization,
            open_weight=self.open_weight,
            allow_commercial=self.allow_commercial,
            model_type=self.model_type,
            family=self.family,
            max_input_price=self.max_input_price_per_m,
            max_output_price=self.max_output_price_per_m,
        )

    def price_cap(self, default_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO) -> PriceCap | None:
        self.check()
        if self.max_blended_price_per_m is None:
            return None
        ratio = default_ratio if self.input_output_ratio is None else self.input_output_ratio
        return PriceCap(max_blended=self.max_blended_price_per_m, ratio=ratio)

    def check(self) -> None:
        problems = [
            FieldError(("filter", name), "must be a finite number ≥ 0", "value_error.negative")
            for name, value in (
                ("maxInputPricePerM", self.max_input_price_per_m),
                ("maxOutputPricePerM", self.max_output_price_per_m),
                ("maxBlendedPricePerM", self.max_blended_price_per_m),
            )
            if value is not None and (not math.isfinite(value) or value < 0)
        ]
        ratio = self.input_output_ratio
        if ratio is not None and not (math.isfinite(ratio) and ratio > 0):
            problems.append(
                FieldError(
                    ("filter", "inputOutputRatio"), "must be a finite number > 0", "value_error"
                )
            )
        if problems:
            raise ValidationFailed("Invalid filter", problems)
