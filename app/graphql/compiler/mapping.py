"""The SQL mapping of the compilable schema: for each type, how each field is spelled in SQL.

A field is compilable when it is listed here. Scalars read a column of the item's source (a
subquery whose columns are named like the repository's records: a model's own columns, then
`org_`, `lic_`, `fam_` ones); relations are correlated subqueries built from the repositories'
own statements, so that visibility, filters and orderings are the resolver path's.

Each mapping has an optional `prepare` (per request: check and convert the arguments, return
what the statement's shape depends on; parameters go to `Params`) and an `emit` (on a
statement-cache miss: the SQL expression of the field's JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import FromClause, bindparam, func, select

from app.auth import Viewer
from app.db.tables import (
    BenchmarkScoreRow,
    ModelExternalIdRow,
    ModelRow,
    ModelVersionRow,
    OrganizationRow,
    ProviderPricingRow,
    VersionFileRow,
)
from app.graphql.compiler.connections import (
    CONNECTION_FIELDS,
    EDGE_FIELDS,
    PAGE_INFO_FIELDS,
    connection_json,
    prepare_page,
)
from app.graphql.compiler.json_sql import Expr, JsonSQL
from app.graphql.compiler.params import Params
from app.graphql.compiler.plan import Bound, NotCompilable
from app.graphql.prefetch import MAX_TOP_SCORES
from app.repositories import models as models_repo
from app.repositories import pricing as pricing_repo
from app.repositories import scores as scores_repo
from app.repositories import versions as versions_repo
from app.repositories.visibility import model_visible


class Builder:
    """One statement's construction: the dialect's JSON, the viewer, unique aliases."""

    def __init__(self, dialect: str, viewer: Viewer) -> None:
        self.j = JsonSQL(dialect)
        self.viewer = viewer
        self._count = 0

    def name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{self._count}"


@dataclass(frozen=True)
class Src:
    """Where a type's columns are: `table.c[prefix + column]`."""

    table: FromClause
    prefix: str = ""

    def c(self, column: str) -> Any:
        return self.table.c[self.prefix + column]


Emit = Callable[[Builder, Src, Bound], Expr]
Prepare = Callable[[Bound, Params, Viewer], Any]


@dataclass(frozen=True)
class FieldMap:
    emit: Emit
    prepare: Prepare | None = None


def _column(column: str, kind: str = "raw") -> FieldMap:
    def emit(b: Builder, src: Src, _f: Bound) -> Expr:
        value = src.c(column)
        j = b.j
        if kind == "bool":
            return j.boolean(value)
        if kind == "float":
            return j.real(value)
        if kind == "datetime":
            return j.datetime(value)
        if kind == "date":
            return j.date(value)
        if kind == "list":
            return j.json_list(value)
        return value  # type: ignore[no-any-return]

    return FieldMap(emit)


def _global_id(type_name: str, column: str = "id") -> FieldMap:
    return FieldMap(lambda b, src, _f: b.j.global_id(type_name, src.c(column)))


def _object(type_name: str, prefix: str, nullable_on: str | None = None) -> FieldMap:
    """A to-one relation joined into the same row (columns under `prefix`)."""

    def emit(b: Builder, src: Src, f: Bound) -> Expr:
        inner = Src(src.table, src.prefix + prefix)
        value = node_json(b, type_name, inner, f.children)
        if nullable_on is None:
            return value
        from sqlalchemy import case

        return case((inner.c(nullable_on).is_(None), None), else_=value)

    return FieldMap(emit)


FIELDS: dict[str, dict[str, FieldMap]] = {}


def node_json(b: Builder, type_name: str, src: Src, fields: list[Bound]) -> Expr:
    mapping = FIELDS[type_name]
    pairs: list[tuple[str, Expr]] = []
    for f in fields:
        if f.name == "__typename":
            pairs.append((f.key, b.j.string(type_name)))
        else:
            pairs.append((f.key, mapping[f.name].emit(b, src, f)))
    return b.j.obj(pairs)


def json_list(
    b: Builder, type_name: str, rows: FromClause, order: list[Any], fields: list[Bound]
) -> Expr:
    """The JSON array of `type_name` objects, one per row of `rows`, in `order`."""
    item = node_json(b, type_name, Src(rows), fields)
    return b.j.nested(select(b.j.agg(item, order)).select_from(rows).scalar_subquery())


def prepare_fields(
    parent: str, fields: list[Bound], params: Params, viewer: Viewer
) -> tuple[Any, ...]:
    """The shape of a selection under this request's arguments (the statement cache's key);
    parameter values go to `params`. Raises NotCompilable for arguments the resolver path
    must refuse."""
    shape: list[Any] = []
    mappings = FIELDS.get(parent, {})
    for f in fields:
        mapping = mappings.get(f.name)
        own = mapping.prepare(f, params, viewer) if mapping and mapping.prepare else None
        children = prepare_fields(f.type_name, f.children, params, viewer) if f.children else ()
        shape.append((f.key, f.name, own, children))
    return tuple(shape)


def compilable(type_name: str, field_name: str) -> bool:
    if type_name in FIELDS:
        return field_name in FIELDS[type_name]
    if type_name.endswith("Connection"):
        return field_name in CONNECTION_FIELDS
    if type_name.endswith("Edge"):
        return field_name in EDGE_FIELDS
    if type_name == "PageInfo":
        return field_name in PAGE_INFO_FIELDS
    return False


# --- organizations, licenses, families ---------------------------------------------------

FIELDS["Organization"] = {
    "id": _global_id("Organization"),
    "slug": _column("slug"),
    "name": _column("name"),
    "description": _column("description"),
    "url": _column("url"),
    "createdAt": _column("created_at", "datetime"),
}
FIELDS["License"] = {
    "id": _global_id("License"),
    "slug": _column("slug"),
    "name": _column("name"),
    "allowCommercial": _column("allow_commercial", "bool"),
    "url": _column("url"),
}
FIELDS["Family"] = {
    "id": _global_id("Family"),
    "slug": _column("slug"),
    "name": _column("name"),
}
FIELDS["Benchmark"] = {
    "id": _global_id("Benchmark"),
    "slug": _column("slug"),
    "name": _column("name"),
    "category": _column("category"),
    "maxScore": _column("max_score", "float"),
    "higherIsBetter": _column("higher_is_better", "bool"),
    "description": _column("description"),
    "url": _column("url"),
}
FIELDS["ModelSources"] = {
    "apiRef": _column("source_api_ref"),
    "paper": _column("source_paper"),
    "weights": _column("source_weights"),
    "repo": _column("source_repo"),
}
FIELDS["ExternalId"] = {"source": _column("source"), "id": _column("external_id")}
FIELDS["VersionFile"] = {
    "path": _column("path"),
    "oid": _column("oid"),
    "sizeBytes": _column("size_bytes"),
}

# --- scores and prices -------------------------------------------------------------------

FIELDS["BenchmarkScore"] = {
    "id": _global_id("BenchmarkScore"),
    "benchmarkId": _column("bm_slug"),
    "benchmarkName": _column("bm_name"),
    "category": _column("bm_category"),
    "score": _column("score", "float"),
    "maxScore": _column("max_score", "float"),
    "normalizedScore": _column("normalized_score", "float"),
    "isSelfReported": _column("is_self_reported", "bool"),
    "isVerified": _column("is_verified", "bool"),
    "kind": _column("kind"),
    "scoredAt": _column("scored_at", "datetime"),
    "source": _column("source"),
    "sourceUrl": _column("source_url"),
    "uncertainty": _column("uncertainty", "float"),
    "benchmark": _object("Benchmark", "bm_"),
}
FIELDS["ProviderPricing"] = {
    "providerId": _column("provider_slug"),
    "providerName": _column("provider_name"),
    "status": _column("status"),
    "inputPricePerM": _column("input_price_per_m", "float"),
    "outputPricePerM": _column("output_price_per_m", "float"),
    "validFrom": _column("valid_from", "datetime"),
    "validTo": _column("valid_to", "datetime"),
    "source": _column("source"),
    "sourceUrl": _column("source_url"),
}


# --- versions ----------------------------------------------------------------------------


def _files(b: Builder, src: Src, f: Bound) -> Expr:
    files = VersionFileRow.__table__
    rows = (
        select(files.c.path, files.c.oid, files.c.size_bytes)
        .where(files.c.version_id == src.c("id"))
        .order_by(files.c.path)
        .correlate(src.table)
        .subquery(b.name("vf"))
    )
    return json_list(b, "VersionFile", rows, [rows.c.path], f.children)


def _is_active(b: Builder, src: Src, _f: Bound) -> Expr:
    return b.j.boolean(src.c("status") == "ACTIVE")


FIELDS["ModelVersion"] = {
    "id": _global_id("ModelVersion"),
    "artifactId": _column("artifact_id"),
    "version": _column("version"),
    "name": _column("canonical_name"),
    "isPrerelease": _column("is_prerelease", "bool"),
    "createdAt": _column("created_at", "datetime"),
    "updatedAt": _column("updated_at", "datetime"),
    "framework": _column("framework"),
    "architecture": _column("architecture"),
    "task": _column("task"),
    "baseModel": _column("base_model"),
    "datasetRefs": _column("dataset_refs", "list"),
    "tags": _column("tags", "list"),
    "fileSizeBytes": _column("file_size_bytes"),
    "downloadCount": _column("download_count"),
    "isPublic": _column("is_public", "bool"),
    "status": _column("status"),
    "isActive": FieldMap(_is_active),
    "isAvailable": _column("is_available", "bool"),
    "inputValidationSchema": _column("input_validation_schema"),
    "sampleInput": _column("sample_input"),
    "sampleOutput": _column("sample_output"),
    "longDescription": _column("long_description"),
    "technicalDetails": _column("technical_details"),
    "versionHistory": _column("version_history"),
    "performanceSummary": _column("performance_summary"),
    "sourceType": _column("source_type"),
    "files": FieldMap(_files),
}


def _latest(active: bool) -> FieldMap:
    def emit(b: Builder, src: Src, f: Bound) -> Expr:
        chosen = (
            versions_repo.latest_candidates(b.viewer, active)
            .where(ModelVersionRow.model_id == src.c("id"))
            .order_by(*versions_repo.latest_order())
            .limit(1)
            .correlate(src.table)
            .subquery(b.name("lv"))
        )
        item = node_json(b, "ModelVersion", Src(chosen), f.children)
        return b.j.nested(select(item).select_from(chosen).scalar_subquery())

    return FieldMap(emit)


def _prepare_versions(f: Bound, params: Params, viewer: Viewer) -> Any:
    status = f.args.get("status")
    query = versions_repo.VersionFilter(
        statuses=tuple(s.value for s in status) if status else None,
        include_prereleases=f.args.get("includePrereleases", True),
    )
    spec = prepare_page(f, versions_repo.SORT_KEYS, params)
    f.extra["filter"] = query
    f.extra["page"] = spec
    return (query, spec)


def _versions(b: Builder, src: Src, f: Bound) -> Expr:
    query: versions_repo.VersionFilter = f.extra["filter"]
    stmt = versions_repo.visible_filtered(b.viewer, query).where(
        ModelVersionRow.model_id == src.c("id")
    )

    def count() -> Expr:
        return (
            versions_repo.count_statement(b.viewer, query)
            .where(ModelVersionRow.model_id == src.c("id"))
            .correlate(src.table)
            .scalar_subquery()
        )

    def node(rows: FromClause, fields: list[Bound]) -> Expr:
        return node_json(b, "ModelVersion", Src(rows), fields)

    return b.j.nested(
        connection_json(
            b.j,
            stmt,
            versions_repo.SORT_KEYS,
            f.extra["page"],
            f,
            node,
            count,
            src.table,
            b.name,
        )
    )


# --- models ------------------------------------------------------------------------------


def _canonical_name(b: Builder, src: Src, _f: Bound) -> Expr:
    return b.j.concat(src.c("org_slug"), b.j.string("/"), src.c("slug"))


def _prepare_top_scores(f: Bound, params: Params, viewer: Viewer) -> Any:
    limit = f.args.get("limit", 5)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_TOP_SCORES:
        raise NotCompilable("topScores limit")  # the resolver path reports it
    f.extra["limit"] = params.add(limit)
    return None


def _top_scores(b: Builder, src: Src, f: Bound) -> Expr:
    """`scores_repo.top_by_model` for one model: its best score per benchmark (by
    `ranking_value`), best normalized scores first, `limit` of them."""
    value = scores_repo.ranking_value()
    best = func.row_number().over(
        partition_by=BenchmarkScoreRow.benchmark_id,
        order_by=[value.is_(None).asc(), value.desc(), BenchmarkScoreRow.id.asc()],
    )
    candidates = (
        scores_repo.visible_score_records(b.viewer)
        .where(BenchmarkScoreRow.model_id == src.c("id"))
        .add_columns(best.label("lb_best"))
        .correlate(src.table)
        .subquery(b.name("sc"))
    )
    order = [
        candidates.c.normalized_score.is_(None).asc(),
        candidates.c.normalized_score.desc(),
        candidates.c.id,
    ]
    top = (
        select(candidates)
        .where(candidates.c.lb_best == 1)
        .order_by(*order)
        .limit(bindparam(f.extra["limit"]))
        .subquery(b.name("ts"))
    )
    top_order = [top.c.normalized_score.is_(None).asc(), top.c.normalized_score.desc(), top.c.id]
    return json_list(b, "BenchmarkScore", top, top_order, f.children)


def _prepare_providers(f: Bound, params: Params, viewer: Viewer) -> Any:
    as_of = f.args.get("asOf")
    f.extra["as_of"] = as_of
    return as_of


def _providers(b: Builder, src: Src, f: Bound) -> Expr:
    name, pk = pricing_repo.PROVIDERS_ORDER
    prices = (
        pricing_repo.visible_pricing(b.viewer, f.extra["as_of"])
        .where(ProviderPricingRow.model_id == src.c("id"))
        .order_by(name, pk)
        .correlate(src.table)
        .subquery(b.name("pp"))
    )
    return json_list(
        b, "ProviderPricing", prices, [prices.c.provider_name, prices.c.id], f.children
    )


def _external_ids(b: Builder, src: Src, f: Bound) -> Expr:
    ids = ModelExternalIdRow.__table__
    rows = (
        select(ids.c.source, ids.c.external_id, ids.c.id)
        .where(ids.c.model_id == src.c("id"))
        .order_by(ids.c.source, ids.c.id)
        .correlate(src.table)
        .subquery(b.name("xi"))
    )
    return json_list(b, "ExternalId", rows, [rows.c.source, rows.c.id], f.children)


def _sources(b: Builder, src: Src, f: Bound) -> Expr:
    return node_json(b, "ModelSources", src, f.children)


FIELDS["Model"] = {
    "id": _global_id("Model"),
    "slug": _column("slug"),
    "name": _column("name"),
    "canonicalName": FieldMap(_canonical_name),
    "description": _column("description"),
    "openWeight": _column("open_weight", "bool"),
    "modelType": _column("model_type"),
    "modalities": _column("modalities", "list"),
    "task": _column("task"),
    "framework": _column("framework"),
    "contextWindow": _column("context_window"),
    "paramCount": _column("param_count"),
    "releaseDate": _column("release_date", "date"),
    "createdAt": _column("created_at", "datetime"),
    "updatedAt": _column("updated_at", "datetime"),
    "source": _column("source"),
    "url": _column("url"),
    "sources": FieldMap(_sources),
    "downloadCount": _column("download_count"),
    "isPublic": _column("is_public", "bool"),
    "author": _column("author"),
    "permalink": _column("permalink"),
    "features": _column("features", "list"),
    "isActive": _column("is_active", "bool"),
    "isRecommended": _column("is_recommended", "bool"),
    "isCommercial": _column("is_commercial", "bool"),
    "isExpired": _column("is_expired", "bool"),
    "images": _column("images", "list"),
    "organization": _object("Organization", "org_"),
    "license": _object("License", "lic_", nullable_on="id"),
    "family": _object("Family", "fam_", nullable_on="id"),
    "latestVersion": _latest(False),
    "latestActiveVersion": _latest(True),
    "topScores": FieldMap(_top_scores, _prepare_top_scores),
    "providers": FieldMap(_providers, _prepare_providers),
    "externalIds": FieldMap(_external_ids),
    "versions": FieldMap(_versions, _prepare_versions),
}


def _model_of(column: str) -> FieldMap:
    """A model by id (visible to the viewer, as the `model_by_id` loader reads it)."""

    def emit(b: Builder, src: Src, f: Bound) -> Expr:
        found = (
            visible_model_rows(b.viewer)
            .where(ModelRow.id == src.c(column))
            .correlate(src.table)
            .subquery(b.name("mo"))
        )
        return b.j.nested(
            select(model_node(b, found, f.children)).select_from(found).scalar_subquery()
        )

    return FieldMap(emit)


FIELDS["BenchmarkScore"]["model"] = _model_of("model_id")
FIELDS["ModelVersion"]["model"] = _model_of("model_id")


def _entry_score(b: Builder, src: Src, f: Bound) -> Expr:
    return node_json(b, "BenchmarkScore", src, f.children)


def _spelled_by_root(_b: Builder, _src: Src, _f: Bound) -> Expr:
    raise NotCompilable("spelled by its root field")  # roots._emit_compare never calls it


# compareVersions' parts: listed (they compile), spelled by the root (roots._emit_compare).
FIELDS["VersionComparison"] = {
    name: FieldMap(_spelled_by_root) for name in ("name", "metricKeys", "versions", "metrics")
}
FIELDS["MetricComparison"] = {name: FieldMap(_spelled_by_root) for name in ("key", "values")}

FIELDS["LeaderboardEntry"] = {
    "rank": _column("lb_rank"),
    "normalizedScore": _column("normalized_score", "float"),
    "score": FieldMap(_entry_score),
    "model": _model_of("model_id"),
}


def model_node(b: Builder, rows: FromClause, fields: list[Bound]) -> Expr:
    return node_json(b, "Model", Src(rows), fields)


def visible_model_rows(viewer: Viewer) -> Any:
    """Models with their organization, license and family (record columns), visible ones."""
    return models_repo.read_base().where(model_visible(viewer))


__all__ = [
    "FIELDS",
    "Builder",
    "ModelRow",
    "OrganizationRow",
    "Src",
    "compilable",
    "json_list",
    "model_node",
    "node_json",
]
