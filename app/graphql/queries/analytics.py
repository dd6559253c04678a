"""Dashboard analytics: `scoreConflicts`, `frontier`, `estimateCost`, `compareModels`."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy import literal_column
from strawberry.types import Info

from app.errors import NotFound, validation_error
from app.graphql import context
from app.graphql.arguments import After, Before, First, Last
from app.graphql.inputs import LeaderboardFilter
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.scalars import BigInt
from app.graphql.types.analytics import (
    BenchmarkComparison,
    CostEstimate,
    FrontierPoint,
    ModelComparison,
    ProviderCost,
    ScoreConflict,
)
from app.graphql.types.node import from_global_id
from app.graphql.types.provider import ProviderPricing, check_ratio
from app.graphql.types.score import BenchmarkScore
from app.repositories import analytics as analytics_repo
from app.repositories import keyset
from app.repositories import pricing as pricing_repo
from app.repositories import scores as scores_repo
from app.services import costs, model_comparison
from app.services.frontier import Point, pareto_frontier
from app.services.pricing import DEFAULT_INPUT_OUTPUT_RATIO, blended_price
from app.services.validation import Checker

MAX_COMPARED_MODELS = 20
MAX_COMPARED_BENCHMARKS = 100
T = TypeVar("T")

# Frontier cursors: (blended price, model id), cheapest first.
FRONTIER_KEYS = [
    keyset.SortKey(literal_column("blended_price"), False, "float"),
    keyset.SortKey(literal_column("model_id"), False, "int"),
]


def _page_in_memory(
    items: Sequence[T], key_of: Callable[[T], tuple[Any, ...]], page: keyset.Page
) -> keyset.PageResult:
    """A keyset page over a list already sorted by `key_of` (ascending, unique)."""
    if page.forward:
        rest = [i for i in items if page.after is None or key_of(i) > page.after]
        chosen, has_next = rest[: page.limit], len(rest) > page.limit
        has_previous = page.after is not None
    else:
        rest = [i for i in items if page.after is None or key_of(i) < page.after]
        chosen = rest[len(rest) - page.limit :] if page.limit else []
        has_next, has_previous = page.after is not None, len(rest) > page.limit
    cursors = [keyset.encode_cursor(key_of(i), FRONTIER_KEYS) for i in chosen]
    return keyset.PageResult(chosen, cursors, has_next, has_previous)


async def _benchmark(info: Info, slug: str) -> Any:
    row = await context.loaders(info).benchmark_by_slug.load(slug)
    if row is None:
        raise NotFound(f"Benchmark '{slug}' not found")
    return row


def _model_pk(global_id: str) -> int | None:
    type_name, pk = from_global_id(global_id)
    return pk if type_name == "Model" else None


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="(model, benchmark) pairs whose sources disagree by more than `margin` "
        "normalized points (0-100), largest disagreement first. A source is a score's "
        "`source` (else its `sourceUrl`); one reporting several scores counts with their mean."
    )
    async def score_conflicts(
        self,
        info: Info,
        margin: Annotated[
            float,
            strawberry.argument(
                description="Smallest disagreement reported, in normalized points (0-100)."
            ),
        ],
        benchmark: Annotated[
            str | None,
            strawberry.argument(description="Only this benchmark (slug); omitted or null: all."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ScoreConflict] | None:
        if not math.isfinite(margin) or margin < 0:
            raise validation_error(("margin",), "must be a finite number ≥ 0")
        ctx = context.get(info)
        bench_id = (await _benchmark(info, benchmark)).id if benchmark is not None else None
        page = page_args(analytics_repo.CONFLICT_CURSOR, first, after, last, before)
        async with ctx.read() as session:
            result = await analytics_repo.conflicts_page(
                session, ctx.viewer, bench_id, margin, page
            )

        async def count() -> int:
            async with ctx.read() as session:
                return await analytics_repo.conflicts_count(session, ctx.viewer, bench_id, margin)

        return build_connection(result, ScoreConflict.from_row, count)

    @strawberry.field(
        description="The Pareto frontier of score (higher is better) against price (lower is "
        "better) on one benchmark, cheapest first. A model's score is its best on the "
        "benchmark (normalized where the scale is bounded); its price is its cheapest "
        "provider's current blended price at `inputOutputRatio`. Models without a price are "
        "left out. Equal price keeps the higher score; equal score keeps the cheaper."
    )
    async def frontier(
        self,
        info: Info,
        benchmark: Annotated[str, strawberry.argument(description="The benchmark's slug.")],
        input_output_ratio: Annotated[
            float,
            strawberry.argument(
                description="Input tokens per output token of the workload priced (> 0); default 3."
            ),
        ] = DEFAULT_INPUT_OUTPUT_RATIO,
        filter: Annotated[
            LeaderboardFilter | None,
            strawberry.argument(
                description="Only models matching every condition given; omitted or null: all."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[FrontierPoint] | None:
        check_ratio(input_output_ratio)
        if filter is not None:
            filter.check()
        page = page_args(FRONTIER_KEYS, first, after, last, before)
        bench = await _benchmark(info, benchmark)
        board = filter.board(bench, input_output_ratio) if filter else scores_repo.Board(bench)
        ctx = context.get(info)
        async with ctx.read() as session:
            best = await scores_repo.best_per_model(session, ctx.viewer, board)
            prices = await pricing_repo.by_model(
                session, ctx.viewer, [row[0].model_id for row in best], None
            )
        points, cheapest = _frontier_points(best, prices, input_output_ratio)
        by_model = {row[0].model_id: row for row in best}
        frontier = pareto_frontier(points)
        result = _page_in_memory(frontier, lambda p: (p.price, p.key), page)

        def convert(point: Point) -> FrontierPoint:
            score = BenchmarkScore.from_row(by_model[point.key])
            return FrontierPoint(
                model_pk=point.key,
                score=score,
                normalized_score=score.normalized_score,
                blended_price=point.price,
                cheapest_provider=ProviderPricing.from_row(cheapest[point.key]),
            )

        async def count() -> int:
            return len(frontier)

        return build_connection(result, convert, count)

    @strawberry.field(
        description="What `inputTokens` + `outputTokens` cost at each provider of a model "
        "(USD; now or as of `asOf`), cheapest first, unknown totals last. Name the model by "
        "`model` (its id), or by `org` and `name`."
    )
    async def estimate_cost(
        self,
        info: Info,
        input_tokens: Annotated[
            BigInt, strawberry.argument(description="Input tokens of the workload (≥ 0).")
        ],
        output_tokens: Annotated[
            BigInt, strawberry.argument(description="Output tokens of the workload (≥ 0).")
        ],
        model: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The model's global id (or give `org` and `name`)."),
        ] = None,
        org: Annotated[
            str | None,
            strawberry.argument(description="The model's organization slug, with `name`."),
        ] = None,
        name: Annotated[
            str | None, strawberry.argument(description="The model's slug, with `org`.")
        ] = None,
        as_of: Annotated[
            datetime | None,
            strawberry.argument(
                description="A moment (UTC): the prices in effect then; omitted or "
                "null: the current ones."
            ),
        ] = None,
    ) -> CostEstimate | None:
        check = Checker()
        check.non_negative(("inputTokens",), input_tokens)
        check.non_negative(("outputTokens",), output_tokens)
        by_name = org is not None or name is not None
        if (model is None) == (not by_name) or (by_name and (org is None or name is None)):
            check.add(
                ("model",), "pass either `model` (an id), or `org` and `name`", "value_error.model"
            )
        check.raise_if_any("Invalid cost estimate")
        loaders = context.loaders(info)
        if model is not None:
            pk = _model_pk(model)
            row = await loaders.model_by_id.load(pk) if pk is not None else None
            if row is None:
                raise NotFound(f"Model '{model}' not found")
        else:
            assert org is not None and name is not None
            row = await loaders.model_by_name.load((org, name))
            if row is None:
                raise NotFound(f"Model '{org}/{name}' not found")
        prices = await loaders.pricing_by_model.load((row.id, as_of))
        offers = [
            costs.Offer(p[0].input_price_per_m, p[0].output_price_per_m, p.provider_slug)
            for p in prices
        ]
        estimates = []
        for index in costs.rank_by_cost(input_tokens, output_tokens, offers):
            cost = costs.estimate(input_tokens, output_tokens, offers[index])
            pricing = ProviderPricing.from_row(prices[index])
            estimates.append(
                ProviderCost(
                    pricing=pricing,
                    provider_id=pricing.provider_id,
                    provider_name=pricing.provider_name,
                    input_cost=cost.input_cost,
                    output_cost=cost.output_cost,
                    total_cost=cost.total_cost,
                )
            )
        return CostEstimate(
            model_pk=row.id,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            currency="USD",
            providers=estimates,
        )

    @strawberry.field(
        description=f"Up to {MAX_COMPARED_MODELS} models (global ids) side by side: one row "
        "per benchmark, values aligned with the models asked, deltas against the first. "
        "`benchmarks` (slugs) omitted: every benchmark any of them is scored on."
    )
    async def compare_models(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description="1-20 model global ids; the first is the baseline of `deltas`."
            ),
        ],
        benchmarks: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Benchmark slugs, one row each; omitted or null: every "
                "benchmark any of them is scored on."
            ),
        ] = None,
    ) -> ModelComparison | None:
        check = Checker()
        if not 1 <= len(ids) <= MAX_COMPARED_MODELS:
            check.add(("ids",), f"pass between 1 and {MAX_COMPARED_MODELS} ids", "value_error")
        check.unique(("ids",), ids, "id")
        if benchmarks is not None:
            if len(benchmarks) > MAX_COMPARED_BENCHMARKS:
                check.add(("benchmarks",), f"at most {MAX_COMPARED_BENCHMARKS}", "value_error")
            check.unique(("benchmarks",), benchmarks, "benchmark")
        check.raise_if_any("Invalid comparison")
        loaders = context.loaders(info)
        pks = [_model_pk(global_id) for global_id in ids]
        rows = await loaders.model_by_id.load_many([pk if pk is not None else -1 for pk in pks])
        missing = [global_id for global_id, row in zip(ids, rows, strict=True) if row is None]
        if missing:
            raise NotFound("Model " + ", ".join(f"'{m}'" for m in missing) + " not found")
        bench_ids: list[int] | None = None
        names: dict[str, str] = {}
        if benchmarks is not None:
            found = await loaders.benchmark_by_slug.load_many(benchmarks)
            unknown = [slug for slug, b in zip(benchmarks, found, strict=True) if b is None]
            if unknown:
                listed = ", ".join(f"'{slug}'" for slug in unknown)
                raise NotFound(f"Benchmark {listed} not found")
            bench_ids = [b.id for b in found]
            names = {b.slug: b.name for b in found}
        model_pks = [row.id for row in rows]
        ctx = context.get(info)
        async with ctx.read() as session:
            best = await analytics_repo.best_scores(session, ctx.viewer, model_pks, bench_ids)
        return _comparison(model_pks, benchmarks, best, names)


def _frontier_points(
    best: Sequence[Any], prices: dict[int, list[Any]], ratio: float
) -> tuple[list[Point], dict[int, Any]]:
    """One point per model with a price: (cheapest blended price, ranking value)."""
    points, cheapest = [], {}
    for row in best:
        model_id = row[0].model_id
        offers = [
            costs.Offer(p[0].input_price_per_m, p[0].output_price_per_m, p.provider_slug)
            for p in prices.get(model_id, [])
        ]
        index = costs.cheapest(offers, ratio)
        if index is None:
            continue
        offer = offers[index]
        price = blended_price(offer.input_per_m, offer.output_per_m, ratio)
        assert price is not None
        cheapest[model_id] = prices[model_id][index]
        points.append(Point(price=price, score=float(row.lb_value), key=model_id))
    return points, cheapest


def _comparison(
    model_pks: list[int],
    benchmarks: list[str] | None,
    best: Sequence[Any],
    names: dict[str, str],
) -> ModelComparison:
    values: dict[tuple[int, str], float] = {}
    scores: dict[tuple[int, str], BenchmarkScore] = {}
    for row in best:
        score = BenchmarkScore.from_row(row)
        key = (score.model_pk, score.benchmark_id)
        value = score.normalized_score if score.normalized_score is not None else score.score
        values[key], scores[key] = value, score
        names[score.benchmark_id] = score.benchmark_name
    slugs = benchmarks if benchmarks is not None else model_comparison.scored_benchmarks(values)
    rows = [
        BenchmarkComparison(
            benchmark_id=row.benchmark,
            benchmark_name=names.get(row.benchmark, row.benchmark),
            values=row.values,
            deltas=row.deltas,
            scores=[scores.get((pk, row.benchmark)) for pk in model_pks],
        )
        for row in model_comparison.align(model_pks, slugs, values)
    ]
    return ModelComparison(model_pks=model_pks, benchmarks=list(slugs), rows=rows)
