"""Benchmark scores: per-model pages, top scores and leaderboards, batched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    String,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.util import ClauseAdapter

from app.auth import Viewer
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    BestScoreRow,
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


# The codecs of a leaderboard cursor (rank value, model id), for decoding before the query.
LEADERBOARD_CURSOR = [
    keyset.SortKey(literal_column("lb_value"), True, "float"),
    keyset.SortKey(literal_column("model_id"), False, "int"),
]


def leaderboard_keys(inner: Any) -> list[keyset.SortKey]:
    """The leaderboard's order over `ranked_best_scores(...).subquery()`: best value first,
    model id breaking ties (the order of the board index)."""
    return [
        keyset.SortKey(inner.c.lb_value, True, "float"),
        keyset.SortKey(inner.c.model_id, False, "int"),
    ]


@dataclass(frozen=True)
class Board:
    """What a leaderboard ranks: the models `models` lets through (and `cap` prices low
    enough) by their best score on `benchmark` among the scores `scores` lets through
    (a source and/or a kind)."""

    benchmark: BenchmarkRow
    models: ModelFilter = field(default_factory=ModelFilter)
    cap: pricing_repo.PriceCap | None = None
    scores: ScoreFilter | None = None


_BEST = BestScoreRow.__table__
_MODELS = ModelRow.__table__


def _grain(board: Board) -> int:
    """Which rows of best_scores rank the board (migration 0004): by source, kind, both."""
    f = board.scores or ScoreFilter()
    if f.benchmark is not None or f.self_reported is not None:
        raise ValueError("a board narrows its scores by source and kind only")
    return (1 if f.source is not None else 0) + (2 if f.kind is not None else 0)


def leaderboard_shape(viewer: Viewer, board: Board) -> Hashable:
    """What `ranked_best_scores` builds differently for: a cache key for statements over it."""
    return (viewer.organization_id, board.models, board.cap, _grain(board))


def leaderboard_params(board: Board) -> dict[str, Any]:
    """The values `ranked_best_scores` leaves as parameters: the benchmark and the score
    filter's source and kind."""
    f = board.scores or ScoreFilter()
    return {
        "lb_benchmark": board.benchmark.id,
        "lb_source": f.source or "",
        "lb_kind": f.kind or "",
    }


def _seen(viewer: Viewer, best: Any) -> ColumnElement[bool]:
    """Rows of `best` the viewer ranks by: of a model it sees, the public row, or the owner
    row where the model is its organization's and one exists (best_scores copies the model's
    visibility and organization, so this reads the board index only)."""
    public = best.c.audience == "public"
    if viewer.organization_id is None:
        return and_(public, best.c.model_public.is_(True))
    own = best.c.organization_id == viewer.organization_id
    owner = _BEST.alias("owner_best")
    has_owner_row = exists().where(
        owner.c.model_id == best.c.model_id,
        owner.c.benchmark_id == best.c.benchmark_id,
        owner.c.grain == best.c.grain,
        owner.c.source == best.c.source,
        owner.c.kind == best.c.kind,
        owner.c.audience == "owner",
    )
    return or_(
        and_(public, or_(best.c.model_public.is_(True), own), ~and_(own, has_owner_row)),
        and_(best.c.audience == "owner", own),
    )


def _board_rows(viewer: Viewer, board: Board, name: str) -> tuple[Any, Any, list[Any]]:
    """A fresh alias of best_scores named `name`, what to select it from (joined to its model
    where the board filters models) and the conditions, apart from the board's key, for its
    rows that rank on `board`: seen by the viewer, of a model the filters and the price cap
    let through."""
    best = _BEST.alias(name)
    conditions: list[Any] = [_seen(viewer, best)]
    model_conditions = filter_conditions(board.models)
    if board.cap is not None:
        model_conditions.append(pricing_repo.priced_at_most(board.cap))
    if not model_conditions:
        return best, best, conditions
    model = _MODELS.alias(f"{name}_model")
    adapt = ClauseAdapter(model).traverse
    conditions += [adapt(c) for c in model_conditions]
    return best, best.join(model, model.c.id == best.c.model_id), conditions


def ranked_best_scores(viewer: Viewer, board: Board) -> keyset.AnySelect:
    """THE leaderboard: every model ranked on `board` with its best score — the record
    columns (`RECORD_NAMES`), `lb_value` (what ranks) and `lb_rank` (1 + the number of ranked
    models with a strictly higher value: ties share a rank, 1, 2, 2, 4).

    Reads best_scores (kept by triggers): ordered by `leaderboard_keys`, a page is a range
    of the board index, and each row's rank counts only the rows above it, so that a page
    costs what its position costs, whatever the catalog's size. The statement depends on
    `leaderboard_shape` (cache it by that); run it with `leaderboard_params(board)`."""
    best, rows, conditions = _board_rows(viewer, board, "best")
    rival, rival_rows, rival_conditions = _board_rows(viewer, board, "rival")
    higher = (
        select(func.count())
        .select_from(rival_rows)
        .where(
            rival.c.benchmark_id == best.c.benchmark_id,
            rival.c.grain == best.c.grain,
            rival.c.source == best.c.source,
            rival.c.kind == best.c.kind,
            rival.c.value > best.c.value,
            *rival_conditions,
        )
        .scalar_subquery()
    )
    # The model id from best_scores (not the score's, equal): the board index orders by it.
    record_columns = [best.c.model_id if c is _SCORES.c.model_id else c for c in RECORD_COLUMNS]
    return (
        select(*record_columns, best.c.value.label("lb_value"), (higher + 1).label("lb_rank"))
        .select_from(
            rows.join(_SCORES, _SCORES.c.id == best.c.score_id).join(
                _BENCHMARKS, _BENCHMARKS.c.id == best.c.benchmark_id
            )
        )
        .where(*_board_key(best, board), *conditions)
    )


def _board_key(best: Any, board: Board) -> list[ColumnElement[bool]]:
    return [
        best.c.benchmark_id == bindparam("lb_benchmark", type_=Integer),
        best.c.grain == _grain(board),
        best.c.source == bindparam("lb_source", type_=String),
        best.c.kind == bindparam("lb_kind", type_=String),
    ]


def _statement(session: AsyncSession, name: str, viewer: Viewer, board: Board, build: Any) -> Any:
    shape = (name, dialect_of(session), leaderboard_shape(viewer, board))
    return statements.get(shape, build)


async def leaderboard(
    session: AsyncSession, viewer: Viewer, board: Board, pg: keyset.Page
) -> keyset.PageResult:
    """Models ranked by their best score on one benchmark; ties share a rank (1, 2, 2, 4).

    Rows are (the best score's record, its rank)."""

    def build() -> tuple[keyset.AnySelect, list[keyset.SortKey]]:
        ranked = ranked_best_scores(viewer, board).subquery("leaderboard")
        stmt = select(*(ranked.c[name] for name in RECORD_NAMES), ranked.c.lb_rank)
        return stmt, leaderboard_keys(ranked)

    shape = ("leaderboard", dialect_of(session), leaderboard_shape(viewer, board))
    return await keyset.fetch_cached_page(
        session, shape, build, pg, _ranked_record, leaderboard_params(board)
    )


def _ranked_record(row: Any) -> tuple[ScoreRecord, int]:
    return record(row), int(row.lb_rank)


async def leaderboard_count(session: AsyncSession, viewer: Viewer, board: Board) -> int:
    def build() -> Any:
        # The rows `ranked_best_scores` ranks, without what a page reads of each.
        best, rows, conditions = _board_rows(viewer, board, "best")
        return select(func.count()).select_from(rows).where(*_board_key(best, board), *conditions)

    stmt = _statement(session, "leaderboard_count", viewer, board, build)
    return int((await session.scalar(stmt, leaderboard_params(board))) or 0)


async def best_per_model(session: AsyncSession, viewer: Viewer, board: Board) -> list[Any]:
    """Every ranked model's best score on one benchmark (the whole leaderboard, unpaged, no
    ranks), with the ranking value as `lb_value`."""

    def build() -> Any:
        ranked = ranked_best_scores(viewer, board).subquery("leaderboard")
        return (
            select(
                BenchmarkScoreRow,
                ranked.c.bm_slug.label("benchmark_slug"),
                ranked.c.bm_name.label("benchmark_name"),
                ranked.c.bm_category.label("benchmark_category"),
                ranked.c.lb_value,
            )
            .join(ranked, ranked.c.id == BenchmarkScoreRow.id)
            .order_by(ranked.c.model_id)
        )

    stmt = _statement(session, "best_per_model", viewer, board, build)
    return list((await session.execute(stmt, leaderboard_params(board))).all())
