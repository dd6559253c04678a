"""Dashboard analytics: score conflicts between sources, best scores of several models."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, literal_column, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth import Viewer
from app.db.tables import BenchmarkScoreRow
from app.repositories import keyset
from app.repositories.scores import ranking_value, visible_scores


def _conflicts(viewer: Viewer, benchmark_id: int | None, margin: float) -> Any:
    """(model, benchmark) pairs scored by two or more sources whose normalized scores differ
    by more than `margin`. A source is the score's `source`, else its `source_url`; a source
    that reports several scores for a pair (several versions, say) counts with their mean."""
    source_key = func.coalesce(BenchmarkScoreRow.source, BenchmarkScoreRow.source_url)
    per_source = (
        visible_scores(viewer)
        .where(BenchmarkScoreRow.normalized_score.is_not(None))
        .with_only_columns(
            BenchmarkScoreRow.model_id,
            BenchmarkScoreRow.benchmark_id,
            source_key.label("source_key"),
            func.avg(BenchmarkScoreRow.normalized_score).label("source_score"),
        )
        .group_by(BenchmarkScoreRow.model_id, BenchmarkScoreRow.benchmark_id, source_key)
    )
    if benchmark_id is not None:
        per_source = per_source.where(BenchmarkScoreRow.benchmark_id == benchmark_id)
    sources = per_source.subquery("per_source")
    spread = func.max(sources.c.source_score) - func.min(sources.c.source_score)
    return (
        select(
            sources.c.model_id,
            sources.c.benchmark_id,
            spread.label("spread"),
            func.max(sources.c.source_score).label("highest"),
            func.min(sources.c.source_score).label("lowest"),
            func.count().label("source_count"),
        )
        .group_by(sources.c.model_id, sources.c.benchmark_id)
        .having(func.count() >= 2, spread > margin)
        .subquery("conflicts")
    )


# Largest disagreement first; then model and benchmark ids (unique together).
# (The codecs of a cursor, for decoding it before the query; same names as the columns.)
CONFLICT_CURSOR = [
    keyset.SortKey(literal_column("spread"), True, "float"),
    keyset.SortKey(literal_column("model_id"), False, "int"),
    keyset.SortKey(literal_column("benchmark_id"), False, "int"),
]


def _conflict_keys(conflicts: Any) -> list[keyset.SortKey]:
    return [
        keyset.SortKey(conflicts.c.spread, True, "float"),
        keyset.SortKey(conflicts.c.model_id, False, "int"),
        keyset.SortKey(conflicts.c.benchmark_id, False, "int"),
    ]


async def conflicts_page(
    session: AsyncSession,
    viewer: Viewer,
    benchmark_id: int | None,
    margin: float,
    pg: keyset.Page,
) -> keyset.PageResult:
    conflicts = _conflicts(viewer, benchmark_id, margin)
    stmt = select(conflicts)
    return await keyset.fetch_page(session, stmt, _conflict_keys(conflicts), pg)


async def conflicts_count(
    session: AsyncSession, viewer: Viewer, benchmark_id: int | None, margin: float
) -> int:
    conflicts = _conflicts(viewer, benchmark_id, margin)
    return int((await session.scalar(select(func.count()).select_from(conflicts))) or 0)


async def scores_by_pairs(
    session: AsyncSession, viewer: Viewer, pairs: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[Any]]:
    """Every visible score of each (model id, benchmark id), best normalized score first."""
    stmt = (
        visible_scores(viewer)
        .where(tuple_(BenchmarkScoreRow.model_id, BenchmarkScoreRow.benchmark_id).in_(list(pairs)))
        .order_by(
            BenchmarkScoreRow.model_id,
            BenchmarkScoreRow.benchmark_id,
            BenchmarkScoreRow.normalized_score.is_(None).asc(),
            BenchmarkScoreRow.normalized_score.desc(),
            BenchmarkScoreRow.id,
        )
    )
    grouped: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for row in (await session.execute(stmt)).all():
        grouped[(row[0].model_id, row[0].benchmark_id)].append(row)
    return grouped


async def best_scores(
    session: AsyncSession,
    viewer: Viewer,
    model_ids: Sequence[int],
    benchmark_ids: Sequence[int] | None,
) -> list[Any]:
    """Each model's best visible score on each benchmark (all benchmarks, or those given),
    as (BenchmarkScoreRow, benchmark_slug, benchmark_name, benchmark_category) rows."""
    value = ranking_value()
    best = func.row_number().over(
        partition_by=[BenchmarkScoreRow.model_id, BenchmarkScoreRow.benchmark_id],
        order_by=[value.is_(None).asc(), value.desc(), BenchmarkScoreRow.id.asc()],
    )
    inner = visible_scores(viewer).where(BenchmarkScoreRow.model_id.in_(model_ids))
    if benchmark_ids is not None:
        inner = inner.where(BenchmarkScoreRow.benchmark_id.in_(benchmark_ids))
    ranked = inner.add_columns(best.label("best_rank")).subquery()
    score = aliased(BenchmarkScoreRow, ranked)
    stmt = (
        select(score, ranked.c.benchmark_slug, ranked.c.benchmark_name, ranked.c.benchmark_category)
        .where(ranked.c.best_rank == 1)
        .order_by(ranked.c.model_id, ranked.c.benchmark_slug)
    )
    return list((await session.execute(stmt)).all())
