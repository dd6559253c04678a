"""Root fields of Query that compile, each into one statement returning its JSON text.

A root's `prepare` checks its arguments as the resolver does (refusals are left to the
resolver path, which reports them) and returns what the statement depends on; `emit` builds
the statement. `missing` tells, from the answer, the error a null root value stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Integer, String, bindparam, case, func, literal, select
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import replacement_traverse
from strawberry.types.arguments import convert_argument

from app.auth import Viewer
from app.db.tables import (
    BenchmarkRow,
    FamilyRow,
    LicenseRow,
    ModelRow,
    ModelVersionRow,
    OrganizationRow,
    VersionMetricRow,
)
from app.errors import NotFound
from app.graphql.compiler.connections import connection_json, prepare_page
from app.graphql.compiler.mapping import (
    Builder,
    Src,
    json_list,
    model_node,
    node_json,
    prepare_fields,
)
from app.graphql.compiler.params import Params
from app.graphql.compiler.plan import Bound, NotCompilable
from app.graphql.inputs import LeaderboardFilter, ModelFilter, ModelOrder
from app.graphql.types.node import from_global_id
from app.repositories import keyset
from app.repositories import models as models_repo
from app.repositories import scores as scores_repo
from app.repositories import versions as versions_repo
from app.repositories.visibility import model_visible


@dataclass(frozen=True)
class Root:
    prepare: Callable[[Bound, Params, Viewer], Any]
    emit: Callable[[Builder, Bound], Any]
    # The error a null answer means (None: null is an answer).
    missing: Callable[[Bound], Exception] | None = None


def _input(value: Any, type_: Any) -> Any:
    from app.graphql.schema import schema

    return convert_argument(value, type_, schema.schema_converter.scalar_registry, schema.config)


def _prepare_models(f: Bound, params: Params, viewer: Viewer) -> Any:
    try:
        raw_filter, raw_order = f.args.get("filter"), f.args.get("orderBy")
        query = (
            _input(raw_filter, ModelFilter).to_query()
            if raw_filter is not None
            else models_repo.ModelFilter()
        )
        order = _input(raw_order, ModelOrder) if raw_order is not None else ModelOrder()
        order_query = order.to_query()
    except NotCompilable:
        raise
    except Exception as error:
        raise NotCompilable("models arguments") from error
    keys = models_repo.sort_keys(order_query)
    spec = prepare_page(f, keys, params)
    f.extra.update(filter=query, order=order_query, page=spec)
    return (query, order_query, spec, prepare_fields(f.type_name, f.children, params, viewer))


def _emit_models(b: Builder, f: Bound) -> Any:
    query, order = f.extra["filter"], f.extra["order"]
    stmt, keys = models_repo.page_source(b.viewer, query, order)

    def count() -> Any:
        return models_repo.count_statement(b.viewer, query).scalar_subquery()

    def node(rows: Any, fields: list[Bound]) -> Any:
        return model_node(b, rows, fields)

    return connection_json(b.j, stmt, keys, f.extra["page"], f, node, count, None, b.name)


def _prepare_model(f: Bound, params: Params, viewer: Viewer) -> Any:
    org, name = f.args["org"], f.args["name"]
    f.extra["org"] = params.add(org)
    f.extra["name"] = params.add(name)
    return prepare_fields(f.type_name, f.children, params, viewer)


def _emit_model(b: Builder, f: Bound) -> Any:
    found = (
        models_repo.read_base()
        .where(
            OrganizationRow.slug == bindparam(f.extra["org"], type_=String()),
            ModelRow.slug == bindparam(f.extra["name"], type_=String()),
            model_visible(b.viewer),
        )
        .subquery(b.name("m"))
    )
    return select(model_node(b, found, f.children)).select_from(found).scalar_subquery()


def _model_missing(f: Bound) -> Exception:
    return NotFound(f"Model '{f.args['org']}/{f.args['name']}' not found")


def _prepare_leaderboard(f: Bound, params: Params, viewer: Viewer) -> Any:
    raw = f.args.get("filter")
    try:
        board = _input(raw, LeaderboardFilter) if raw is not None else None
        models = board.to_query() if board is not None else models_repo.ModelFilter()
        cap = board.price_cap() if board is not None else None
        kind = board.kind.value if board is not None and board.kind else None
        scores = (
            scores_repo.ScoreFilter(source=board.source, kind=kind) if board is not None else None
        )
    except Exception as error:
        raise NotCompilable("leaderboard filter") from error
    spec = prepare_page(f, scores_repo.LEADERBOARD_CURSOR, params)
    f.extra.update(
        benchmark=params.add(f.args["benchmark"]), models=models, cap=cap, scores=scores, page=spec
    )
    return (models, cap, scores, spec, prepare_fields(f.type_name, f.children, params, viewer))


def _ranked(b: Builder, f: Bound) -> Any:
    """The resolvers' ranked rows (`scores_repo.ranked_best_scores`, over best_scores) of the
    benchmark asked by slug: its parameters become the benchmark's id by slug and the score
    filter's source and kind (part of the plan's shape, so literal here)."""
    scores = f.extra["scores"] or scores_repo.ScoreFilter()
    board = scores_repo.Board(
        benchmark=None,  # type: ignore[arg-type]  # only its id is read, as a parameter
        models=f.extra["models"],
        cap=f.extra["cap"],
        scores=f.extra["scores"],
    )
    values = {
        "lb_benchmark": select(BenchmarkRow.id)
        .where(BenchmarkRow.slug == bindparam(f.extra["benchmark"], type_=String()))
        .scalar_subquery(),
        "lb_source": literal(scores.source or ""),
        "lb_kind": literal(scores.kind or ""),
    }

    def bound(element: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in values:
            return values[element.key]
        return None

    ranked = scores_repo.ranked_best_scores(b.viewer, board)
    return cast(Any, replacement_traverse)(ranked, {}, bound).subquery("leaderboard")


def _emit_leaderboard(b: Builder, f: Bound) -> Any:
    ranked = _ranked(b, f)
    keys = scores_repo.leaderboard_keys(ranked)
    stmt = select(*(ranked.c[name] for name in scores_repo.RECORD_NAMES), ranked.c.lb_rank)

    def count() -> Any:
        return select(func.count()).select_from(_ranked(b, f)).scalar_subquery()

    def node(rows: Any, fields: list[Bound]) -> Any:
        return node_json(b, "LeaderboardEntry", Src(rows), fields)

    board = connection_json(b.j, stmt, keys, f.extra["page"], f, node, count, None, b.name)
    known = (
        select(BenchmarkRow.id)
        .where(BenchmarkRow.slug == bindparam(f.extra["benchmark"], type_=String()))
        .exists()
    )
    return case((known, board))  # null: no such benchmark (`missing`)


def _leaderboard_missing(f: Bound) -> Exception:
    return NotFound(f"Benchmark '{f.args['benchmark']}' not found")


def _prepare_compare(f: Bound, params: Params, viewer: Viewer) -> Any:
    if f.args.get("versions") is not None:
        raise NotCompilable("compareVersions(versions:)")  # references resolve in Python
    f.extra["org"] = params.add(f.args["org"])
    f.extra["name"] = params.add(f.args["name"])
    return prepare_fields(f.type_name, f.children, params, viewer)


def _emit_compare(b: Builder, f: Bound) -> Any:
    """`compareVersions` without `versions:`: every visible version newest first
    (`versions_repo.all_for_models`), the sorted union of their metric keys, and per key the
    values aligned with the versions (`services.comparison.align_metrics`)."""
    found = (
        models_repo.read_base()
        .where(
            OrganizationRow.slug == bindparam(f.extra["org"], type_=String()),
            ModelRow.slug == bindparam(f.extra["name"], type_=String()),
            model_visible(b.viewer),
        )
        .subquery(b.name("m"))
    )
    j = b.j
    metrics = VersionMetricRow.__table__

    def compared() -> Any:
        order = keyset.order_clauses(versions_repo.SORT_KEYS)
        return (
            versions_repo.visible_filtered(b.viewer, versions_repo.VersionFilter())
            .where(ModelVersionRow.model_id == found.c.id)
            .add_columns(func.row_number().over(order_by=order).label("vrn"))
            .correlate(found)
            .subquery(b.name("cv"))
        )

    def keys_of(versions: Any) -> Any:
        key = metrics.c.key.collate("C") if j.pg else metrics.c.key
        return (
            select(key.label("key"))
            .select_from(metrics.join(versions, versions.c.id == metrics.c.version_id))
            .distinct()
            .order_by(key)
            .subquery(b.name("mk"))
        )

    pairs: list[tuple[str, Any]] = []
    for part in f.children:
        if part.name == "__typename":
            pairs.append((part.key, j.string("VersionComparison")))
        elif part.name == "name":
            pairs.append((part.key, j.concat(found.c.org_slug, j.string("/"), found.c.slug)))
        elif part.name == "versions":
            versions = compared()
            listed = json_list(b, "ModelVersion", versions, [versions.c.vrn], part.children)
            pairs.append((part.key, listed))
        elif part.name == "metricKeys":
            keys = keys_of(compared())
            agg = select(j.agg(keys.c.key, [keys.c.key])).select_from(keys).scalar_subquery()
            pairs.append((part.key, j.nested(agg)))
        elif part.name == "metrics":
            keys = keys_of(compared())
            row: list[tuple[str, Any]] = []
            for piece in part.children:
                if piece.name == "key":
                    row.append((piece.key, keys.c.key))
                elif piece.name == "values":
                    versions = compared()
                    value = (
                        select(metrics.c.value)
                        .where(metrics.c.version_id == versions.c.id, metrics.c.key == keys.c.key)
                        .correlate(versions, keys)
                        .scalar_subquery()
                    )
                    values = (
                        select(j.agg(j.real(value), [versions.c.vrn]))
                        .select_from(versions)
                        .correlate(keys)
                        .scalar_subquery()
                    )
                    row.append((piece.key, j.nested(values)))
                else:
                    row.append((piece.key, j.string("MetricComparison")))
            agg = select(j.agg(j.obj(row), [keys.c.key])).select_from(keys).scalar_subquery()
            pairs.append((part.key, j.nested(agg)))
    return select(j.obj(pairs)).select_from(found).scalar_subquery()


def _model_source(viewer: Viewer) -> Any:
    return models_repo.read_base().where(model_visible(viewer))


def _table_source(row: Any) -> Callable[[Viewer], Any]:
    return lambda _viewer: select(row.__table__)


# `node`'s types that compile, each with the rows its loader reads (the same visibility):
# the resolver path's `_RESOLVERS` in app/graphql/queries/nodes.py.
NODE_SOURCES: dict[str, tuple[Any, Callable[[Viewer], Any]]] = {
    "Model": (ModelRow.id, _model_source),
    "ModelVersion": (ModelVersionRow.id, versions_repo.by_id_source),
    "Organization": (OrganizationRow.id, _table_source(OrganizationRow)),
    "License": (LicenseRow.id, _table_source(LicenseRow)),
    "Family": (FamilyRow.id, _table_source(FamilyRow)),
    "Benchmark": (BenchmarkRow.id, _table_source(BenchmarkRow)),
}


def concrete_type(field_name: str, args: dict[str, Any]) -> str:
    """The type an abstract root field selects: `node(id:)`'s, from its id."""
    if field_name != "node":
        raise NotCompilable(field_name)
    try:
        type_name, _pk = from_global_id(args["id"])
    except Exception as error:
        raise NotCompilable("node id") from error  # the resolver path reports it
    if type_name not in NODE_SOURCES:
        raise NotCompilable(f"node of {type_name}")
    return type_name


def _prepare_node(f: Bound, params: Params, viewer: Viewer) -> Any:
    type_name, pk = from_global_id(f.args["id"])
    f.extra["pk"] = params.add(pk)
    return (type_name, prepare_fields(type_name, f.children, params, viewer))


def _emit_node(b: Builder, f: Bound) -> Any:
    column, source = NODE_SOURCES[f.type_name]
    found = (
        source(b.viewer)
        .where(column == bindparam(f.extra["pk"], type_=Integer()))
        .subquery(b.name("nd"))
    )
    item = node_json(b, f.type_name, Src(found), f.children)
    return select(item).select_from(found).scalar_subquery()


def _node_missing(f: Bound) -> Exception:
    return NotFound(f"No object with id '{f.args['id'][:100]}'")


ROOTS: dict[str, Root] = {
    "node": Root(_prepare_node, _emit_node, _node_missing),
    "compareVersions": Root(_prepare_compare, _emit_compare, _model_missing),
    "leaderboard": Root(_prepare_leaderboard, _emit_leaderboard, _leaderboard_missing),
    "models": Root(_prepare_models, _emit_models),
    "model": Root(_prepare_model, _emit_model, _model_missing),
}
