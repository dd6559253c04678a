"""Benchmark scores: per-model pages, top scores and leaderboards, batched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, bindparam, case, func, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth import Viewer
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    ModelRow,
    ModelVersionRow,
)
from app.repositories import keyset
from app.repositories import pricing as pricing_repo
from app.repositories.models import ModelFilter, filter_conditions
from app.repositories.records import BenchmarkRecord, ScoreColumns, ScoreRecord, columns
from app.repositories.statements import dialect_of, in_ids, statements
from app.repositories.visibility import model_visible

_SCORES = BenchmarkScoreRow.__table__
_BENCHMARKS = BenchmarkRow.__table__
RECORD_COLUMNS = [*columns(ScoreColumns, _SCORES), *columns(BenchmarkRecord, _BENCHMARKS, "bm_")]
RECORD_NAMES = [str(c.key) for c in RECORD_COLUMNS]


def record(row: Any) -> ScoreRecord:
    """A row whose first columns are `RECORD_COLUMNS`."""
    return ScoreRecord(ScoreColumns.build(row), BenchmarkRecord.build(row, ScoreColumns.width))


SORT_KEYS = [
    keyset.SortKey(BenchmarkScoreRow.normalized_score, True, "float", True),
    keyset.SortKey(BenchmarkScoreRow.id, False, "int"),
]


@dataclass(frozen=True)
class ScoreFilter:
    benchmark: str | None = None
    source: str | None = None
    kind: str | None = None
    self_reported: bool | None = None


def _hidden_version(viewer: Viewer) -> ColumnElement[bool]:
    version = aliased(ModelVersionRow)
    return (
        select(version.id)
        .where(version.id == BenchmarkScoreRow.version_id)
        .where(~_version_visible_alias(viewer, version))
        .exists()
    )


def visible_score_records(viewer: Viewer) -> keyset.AnySelect:
    """`visible_scores` as plain columns (`RECORD_COLUMNS`), for `record`."""
    return (
        select(*RECORD_COLUMNS)
        .select_from(_SCORES)
        .join(_BENCHMARKS, _BENCHMARKS.c.id == _SCORES.c.benchmark_id)
        .join(ModelRow, ModelRow.id == _SCORES.c.model_id)
        .where(model_visible(viewer), ~_hidden_version(viewer))
    )


def visible_scores(viewer: Viewer) -> keyset.AnySelect:
    """Scores with their benchmark's slug, name and category, of models the viewer sees.

    A score tied to a version is visible only when that version is."""
    hidden_version = _hidden_version(viewer)
    return (
        select(
            BenchmarkScoreRow,
            BenchmarkRow.slug.label("benchmark_slug"),
            BenchmarkRow.name.label("benchmark_name"),
            BenchmarkRow.category.label("benchmark_category"),
        )
        .join(BenchmarkRow, BenchmarkRow.id == BenchmarkScoreRow.benchmark_id)
        .join(ModelRow, ModelRow.id == BenchmarkScoreRow.model_id)
        .where(model_visible(viewer), ~hidden_version)
    )


def _version_visible_alias(viewer: Viewer, version: Any) -> ColumnElement[bool]:
    if viewer.organization_id is None:
        public: ColumnElement[bool] = version.is_public.is_(True)
        return public
    return or_(version.is_public.is_(True), ModelRow.organization_id == viewer.organization_id)


def _filtered(stmt: keyset.AnySelect, f: ScoreFilter) -> keyset.AnySelect:
    if f.benchmark is not None:
        stmt = stmt.where(BenchmarkRow.slug == f.benchmark)
    if f.source is not None:
        stmt = stmt.where(BenchmarkScoreRow.source == f.source)
    if f.kind is not None:
        stmt = stmt.where(BenchmarkScoreRow.kind == f.kind)
    if f.self_reported is not None:
        stmt = stmt.where(BenchmarkScoreRow.is_self_reported.is_(f.self_reported))
    return stmt


def ranking_value() -> ColumnElement[float]:
    """Per score row (its benchmark joined): what makes one score better than another on the
    same benchmark. The normalized score where the scale is bounded, else the raw score;
    negated where lower is better, so that "higher is better" always holds."""
    raw = case(
        (BenchmarkRow.max_score.is_not(None), BenchmarkScoreRow.normalized_score),
        else_=BenchmarkScoreRow.score,
    )
    return case((BenchmarkRow.higher_is_better.is_(True), raw), else_=-raw)


async def by_ids(session: AsyncSession, viewer: Viewer, ids: Sequence[int]) -> list[ScoreRecord]:
    stmt = visible_score_records(viewer).where(BenchmarkScoreRow.id.in_(ids))
    return [record(row) for row in await session.execute(stmt)]


async def pages_by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], f: ScoreFilter, pg: keyset.Page
) -> dict[int, keyset.PageResult]:
    stmt = _filtered(visible_score_records(viewer), f)
    return await keyset.fetch_partitioned_pages(
        session,
        stmt,
        None,
        SORT_KEYS,
        pg,
        BenchmarkScoreRow.model_id,
        model_ids,
        record,
        shape=("scores", viewer.organization_id, f),
    )


async def counts_by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], f: ScoreFilter
) -> dict[int, int]:
    dialect = dialect_of(session)

    def build() -> Any:
        base = _filtered(visible_scores(viewer), f).where(
            in_ids(BenchmarkScoreRow.model_id, dialect)
        )
        return base.with_only_columns(BenchmarkScoreRow.model_id, func.count()).group_by(
            BenchmarkScoreRow.model_id
        )

    stmt = statements.get(("score_counts", dialect, viewer.organization_id, f), build)
    rows = await session.execute(stmt, {"ids": list(model_ids)})
    found = {mid: int(n) for mid, n in rows.all()}
    return {mid: found.get(mid, 0) for mid in model_ids}


async def top_by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], limit: int
) -> dict[int, list[ScoreRecord]]:
    """Each model's best score per benchmark (by `ranking_value`: lower-is-better and
    unbounded scales count too), best normalized scores first (unbounded ones last), `limit`
    of them."""
    dialect = dialect_of(session)
    stmt = statements.get(
        ("top_scores", dialect, viewer.organization_id), lambda: _top_statement(viewer, dialect)
    )
    grouped: dict[int, list[ScoreRecord]] = defaultdict(list)
    for row in await session.execute(stmt, {"ids": list(model_ids), "limit": limit}):
        found = record(row)
        grouped[found.score.model_id].append(found)
    return grouped


def _top_statement(viewer: Viewer, dialect: str) -> Any:
    value = ranking_value()
    best_per_benchmark = func.row_number().over(
        partition_by=[BenchmarkScoreRow.model_id, BenchmarkScoreRow.benchmark_id],
        order_by=[value.is_(None).asc(), value.desc(), BenchmarkScoreRow.id.asc()],
    )
    inner = (
        visible_score_records(viewer)
        .where(in_ids(BenchmarkScoreRow.model_id, dialect))
        .add_columns(best_per_benchmark.label("lb_best"))
        .subquery()
    )
    ranked_in_model = func.row_number().over(
        partition_by=inner.c.model_id,
        order_by=[
            inner.c.normalized_score.is_(None).asc(),
            inner.c.normalized_score.desc(),
            inner.c.id,
        ],
    )
    ranked = (
        select(*(inner.c[name] for name in RECORD_NAMES))
        .add_columns(ranked_in_model.label("lb_rank"))
        .where(inner.c.lb_best == 1)
        .subquery()
    )
    return (
        select(*(ranked.c[name] for name in RECORD_NAMES))
        .where(ranked.c.lb_rank <= bindparam("limit"))
        .order_by(ranked.c.model_id, ranked.c.lb_rank)
    )


def leaderboard_value(benchmark: BenchmarkRow) -> Any:
    """What ranks a benchmark: the normalized score where its scale is bounded, else the raw
    score; negated where lower is better, so that "higher ranks first" always holds."""
    column = (
        BenchmarkScoreRow.normalized_score
        if benchmark.max_score is not None
        else BenchmarkScoreRow.score
    )
    return column if benchmark.higher_is_better else -column


# The codecs of a leaderboard cursor (rank value, model id), for decoding before the query.
LEADERBOARD_CURSOR = [
    keyset.SortKey(literal_column("lb_value"), True, "float"),
    keyset.SortKey(literal_column("model_id"), False, "int"),
]


def leaderboard_keys(inner: Any) -> list[keyset.SortKey]:
    return [
        keyset.SortKey(inner.c.lb_value, True, "float"),
        keyset.SortKey(inner.c.model_id, False, "int"),
    ]


@dataclass(frozen=True)
class Board:
    """What a leaderboard ranks: the models `models` lets through (and `cap` prices low
    enough) by their best score on `benchmark` among the scores `scores` lets through."""

    benchmark: BenchmarkRow
    models: ModelFilter = field(default_factory=ModelFilter)
    cap: pricing_repo.PriceCap | None = None
    scores: ScoreFilter | None = None


def ranked_source(
    viewer: Viewer,
    on_benchmark: ColumnElement[bool],
    value: ColumnElement[Any],
    board_models: ModelFilter,
    cap: pricing_repo.PriceCap | None = None,
    board_scores: ScoreFilter | None = None,
    *,
    as_records: bool = True,
) -> Any:
    """The one definition of a leaderboard's ranked rows: every model's best visible score
    among those `on_benchmark` selects (by `value`, higher first), ranked with ties sharing a
    rank. As record columns with `lb_value` and `lb_rank`, or (`as_records=False`) with the
    ORM entity's columns for `best_per_model`'s callers. The resolvers (`leaderboard`) and
    compiled operations (app/graphql/compiler) both page this."""
    best = func.row_number().over(
        partition_by=BenchmarkScoreRow.model_id, order_by=[value.desc(), BenchmarkScoreRow.id]
    )
    start = visible_score_records(viewer) if as_records else visible_scores(viewer)
    candidates = (
        start.where(on_benchmark, value.is_not(None))
        .where(*filter_conditions(board_models))
        .add_columns(value.label("lb_value"), best.label("lb_best"))
    )
    if cap is not None:
        candidates = candidates.where(pricing_repo.priced_at_most(cap))
    if board_scores is not None:
        candidates = _filtered(candidates, board_scores)
    best_rows = candidates.subquery()
    ranked = select(best_rows).where(best_rows.c.lb_best == 1).subquery()
    rank = func.rank().over(order_by=ranked.c.lb_value.desc())
    return select(ranked, rank.label("lb_rank")).subquery("leaderboard")


def _leaderboard_subquery(viewer: Viewer, board: Board, *, as_records: bool = True) -> Any:
    benchmark = board.benchmark
    return ranked_source(
        viewer,
        BenchmarkScoreRow.benchmark_id == benchmark.id,
        leaderboard_value(benchmark),
        board.models,
        board.cap,
        board.scores,
        as_records=as_records,
    )


async def leaderboard(
    session: AsyncSession, viewer: Viewer, board: Board, pg: keyset.Page
) -> keyset.PageResult:
    """Models ranked by their best score on one benchmark; ties share a rank (1, 2, 2, 4).

    Rows are (the best score's record, its rank)."""
    ranked = _leaderboard_subquery(viewer, board)
    keys = leaderboard_keys(ranked)
    stmt = select(*(ranked.c[name] for name in RECORD_NAMES), ranked.c.lb_rank)
    return await keyset.fetch_page(session, stmt, keys, pg, _ranked_record)


def _ranked_record(row: Any) -> tuple[ScoreRecord, int]:
    return record(row), int(row.lb_rank)


async def leaderboard_count(session: AsyncSession, viewer: Viewer, board: Board) -> int:
    ranked = _leaderboard_subquery(viewer, board)
    return int((await session.scalar(select(func.count()).select_from(ranked))) or 0)


async def best_per_model(session: AsyncSession, viewer: Viewer, board: Board) -> list[Any]:
    """Every ranked model's best score on one benchmark (the whole leaderboard, unpaged), with
    the ranking value as `lb_value`."""
    ranked = _leaderboard_subquery(viewer, board, as_records=False)
    score = aliased(BenchmarkScoreRow, ranked)
    stmt = select(
        score,
        ranked.c.benchmark_slug,
        ranked.c.benchmark_name,
        ranked.c.benchmark_category,
        ranked.c.lb_value,
    ).order_by(ranked.c.model_id)
    return list((await session.execute(stmt)).all())
