"""Who is at rank 1 on a benchmark's public leaderboard (for the "new top score" event)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import ANONYMOUS
from app.db.tables import BenchmarkScoreRow, ModelRow, OrganizationRow
from app.repositories.scores import ranking_value, visible_scores


@dataclass(frozen=True)
class Leaders:
    value: float  # the ranking value at rank 1 (higher is better)
    models: frozenset[int]  # ties share rank 1
    names: dict[int, str]  # model id -> "org/slug"
    scores: dict[int, tuple[float, float | None]]  # model id -> (score, normalized score)


async def at_rank_one(
    session: AsyncSession, benchmark_ids: Sequence[int] | None = None
) -> dict[int, Leaders]:
    """Rank 1 of each benchmark among public models (what anonymous leaderboards show).

    One statement: each (benchmark, model)'s best value; rank 1 is picked here."""
    value = ranking_value()
    best = (
        visible_scores(ANONYMOUS)
        .with_only_columns(
            BenchmarkScoreRow.benchmark_id,
            BenchmarkScoreRow.model_id,
            func.max(value).label("value"),
            func.max(BenchmarkScoreRow.score).label("score"),
            func.max(BenchmarkScoreRow.normalized_score).label("normalized"),
        )
        .where(value.is_not(None))
        .group_by(BenchmarkScoreRow.benchmark_id, BenchmarkScoreRow.model_id)
    )
    if benchmark_ids is not None:
        best = best.where(BenchmarkScoreRow.benchmark_id.in_(list(benchmark_ids)))
    inner = best.subquery()
    stmt = (
        select(inner, OrganizationRow.slug, ModelRow.slug)
        .join(ModelRow, ModelRow.id == inner.c.model_id)
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
    )
    top: dict[int, Leaders] = {}
    for bench_id, model_id, v, score, normalized, org, slug in (await session.execute(stmt)).all():
        current = top.get(bench_id)
        entry = ({model_id: f"{org}/{slug}"}, {model_id: (score, normalized)})
        if current is None or v > current.value:
            top[bench_id] = Leaders(float(v), frozenset({model_id}), *entry)
        elif v == current.value:
            top[bench_id] = Leaders(
                current.value,
                current.models | {model_id},
                {**current.names, **entry[0]},
                {**current.scores, **entry[1]},
            )
    return top
