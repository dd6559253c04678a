"""Models: lookups by key, and the filtered, ordered, paginated browse (`models`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    FamilyRow,
    LicenseRow,
    ModelModalityRow,
    ModelRow,
    ModelTagRow,
    OrganizationRow,
    ProviderPricingRow,
    ProviderRow,
)
from app.repositories import keyset
from app.repositories.records import (
    FamilyRecord,
    LicenseRecord,
    ModelColumns,
    ModelRecord,
    OrganizationRecord,
    columns,
    optional,
)
from app.repositories.statements import dialect_of, in_ids, statements
from app.repositories.visibility import model_visible
from app.services.pricing import DEFAULT_INPUT_OUTPUT_RATIO
from app.services.spelling_merge import name_key

OrderField = Literal[
    "NAME",
    "RELEASE_DATE",
    "CREATED_AT",
    "DOWNLOADS",
    "PARAM_COUNT",
    "CONTEXT_WINDOW",
    "BENCHMARK_SCORE",
    "PRICE",
]


@dataclass(frozen=True)
class ModelFilter:
    """Every field narrows the result; None means "any". Hashable: it keys loaders."""

    organization: str | None = None
    search: str | None = None
    task: str | None = None
    framework: str | None = None
    model_type: str | None = None
    modality: str | None = None
    license: str | None = None
    allow_commercial: bool | None = None
    open_weight: bool | None = None
    family: str | None = None
    provider: str | None = None
    tag: str | None = None
    has_benchmark: str | None = None
    min_context_window: int | None = None
    max_context_window: int | None = None
    min_param_count: int | None = None
    max_param_count: int | None = None
    min_input_price: float | None = None
    max_input_price: float | None = None
    min_output_price: float | None = None
    max_output_price: float | None = None
    released_after: date | None = None
    released_before: date | None = None


@dataclass(frozen=True)
class ModelOrder:
    field: OrderField = "NAME"
    descending: bool = False
    benchmark: str | None = None


def base() -> keyset.AnySelect:
    """ORM models with their organization's slug, for the write side (mutations)."""
    return select(ModelRow, OrganizationRow.slug.label("organization_slug")).join(
        OrganizationRow, OrganizationRow.id == ModelRow.organization_id
    )


_MODELS = ModelRow.__table__
_ORGANIZATIONS = OrganizationRow.__table__
_LICENSES = LicenseRow.__table__
_FAMILIES = FamilyRow.__table__
RECORD_COLUMNS = [
    *columns(ModelColumns, _MODELS),
    *columns(OrganizationRecord, _ORGANIZATIONS, "org_"),
    *columns(LicenseRecord, _LICENSES, "lic_"),
    *columns(FamilyRecord, _FAMILIES, "fam_"),
]
_ORG_AT = ModelColumns.width
_LICENSE_AT = _ORG_AT + OrganizationRecord.width
_FAMILY_AT = _LICENSE_AT + LicenseRecord.width


def read_base() -> keyset.AnySelect:
    """Models with their organization, license and family as plain columns: the read side's
    start (rows become `ModelRecord`s through `record`)."""
    return select(*RECORD_COLUMNS).select_from(
        _MODELS.join(_ORGANIZATIONS, _ORGANIZATIONS.c.id == _MODELS.c.organization_id)
        .outerjoin(_LICENSES, _LICENSES.c.id == _MODELS.c.license_id)
        .outerjoin(_FAMILIES, _FAMILIES.c.id == _MODELS.c.family_id)
    )


def record(row: Any) -> ModelRecord:
    return ModelRecord(
        ModelColumns.build(row),
        OrganizationRecord.build(row, _ORG_AT),
        optional(LicenseRecord, row, _LICENSE_AT),
        optional(FamilyRecord, row, _FAMILY_AT),
    )


async def by_ids(session: AsyncSession, viewer: Viewer, ids: Sequence[int]) -> list[ModelRecord]:
    dialect = dialect_of(session)
    stmt = statements.get(
        ("models_by_id", dialect, viewer.organization_id),
        lambda: read_base().where(in_ids(ModelRow.id, dialect), model_visible(viewer)),
    )
    return [record(row) for row in await session.execute(stmt, {"ids": list(ids)})]


async def by_names(
    session: AsyncSession, viewer: Viewer, names: Sequence[tuple[str, str]]
) -> list[Any]:
    """ORM models by (organization slug, model slug), for the write side."""
    stmt = base().where(
        tuple_(OrganizationRow.slug, ModelRow.slug).in_(list(names)), model_visible(viewer)
    )
    return list((await session.execute(stmt)).all())


async def records_by_names(
    session: AsyncSession, viewer: Viewer, names: Sequence[tuple[str, str]]
) -> list[ModelRecord]:
    """Models by (organization slug, model slug)."""
    stmt = statements.get(
        ("models_by_name", viewer.organization_id),
        lambda: read_base().where(
            tuple_(OrganizationRow.slug, ModelRow.slug).in_(bindparam("names", expanding=True)),
            model_visible(viewer),
        ),
    )
    rows = await session.execute(stmt, {"names": [tuple(name) for name in names]})
    return [record(row) for row in rows]


async def by_other_spellings(
    session: AsyncSession, viewer: Viewer, names: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], ModelRecord]:
    """For names not found as spelled: the model whose name is the same in another spelling
    (`llama-3-1-70b-instruct` for `llama-3.1-70b-instruct`, app/services/spelling_merge.py),
    when exactly one visible model of the organization has it; by the name asked for."""
    missing = {(org, name_key(name)): (org, name) for org, name in names}
    if not missing:
        return {}
    stmt = (
        select(ModelRow.id, OrganizationRow.slug, ModelRow.slug)
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
        .where(OrganizationRow.slug.in_({org for org, _ in missing}), model_visible(viewer))
    )
    matches: dict[tuple[str, str], list[int]] = {}
    for model_id, org, slug in (await session.execute(stmt)).all():
        asked = missing.get((org, name_key(slug)))
        if asked is not None:
            matches.setdefault(asked, []).append(model_id)
    unique = {ids[0]: asked for asked, ids in matches.items() if len(ids) == 1}
    if not unique:
        return {}
    return {unique[m.id]: m for m in await by_ids(session, viewer, list(unique))}


def _current_price() -> ColumnElement[bool]:
    return ProviderPricingRow.valid_to.is_(None)


def _price_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(ProviderPricingRow.model_id == ModelRow.id, _current_price(), *conditions)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def filter_conditions(f: ModelFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if f.organization is not None:
        conditions.append(
            ModelRow.organization_id
            == select(OrganizationRow.id)
            .where(OrganizationRow.slug == f.organization)
            .scalar_subquery()
        )
    if f.search:
        pattern = _like(f.search)
        conditions.append(
            or_(
                func.lower(ModelRow.name).like(pattern, escape="\\"),
                func.lower(ModelRow.slug).like(pattern, escape="\\"),
                func.lower(ModelRow.description).like(pattern, escape="\\"),
            )
        )
    equalities: list[tuple[Any, Any]] = [
        (ModelRow.task, f.task),
        (ModelRow.framework, f.framework),
        (ModelRow.model_type, f.model_type),
        (ModelRow.open_weight, f.open_weight),
    ]
    for column, value in equalities:
        if value is not None:
            conditions.append(column == value)
    if f.modality is not None:
        conditions.append(
            exists().where(
                ModelModalityRow.model_id == ModelRow.id, ModelModalityRow.modality == f.modality
            )
        )
    if f.tag is not None:
        conditions.append(
            exists().where(ModelTagRow.model_id == ModelRow.id, ModelTagRow.identifier == f.tag)
        )
    if f.license is not None:
        conditions.append(
            ModelRow.license_id
            == select(LicenseRow.id).where(LicenseRow.slug == f.license).scalar_subquery()
        )
    if f.allow_commercial is not None:
        conditions.append(
            ModelRow.license_id.in_(
                select(LicenseRow.id).where(LicenseRow.allow_commercial.is_(f.allow_commercial))
            )
        )
    if f.family is not None:
        conditions.append(
            ModelRow.family_id
            == select(FamilyRow.id).where(FamilyRow.slug == f.family).scalar_subquery()
        )
    if f.provider is not None:
        conditions.append(
            _price_exists(
                ProviderPricingRow.provider_id
                == select(ProviderRow.id).where(ProviderRow.slug == f.provider).scalar_subquery()
            )
        )
    if f.has_benchmark is not None:
        conditions.append(
            exists().where(
                BenchmarkScoreRow.model_id == ModelRow.id,
                BenchmarkScoreRow.benchmark_id
                == select(BenchmarkRow.id)
                .where(BenchmarkRow.slug == f.has_benchmark)
                .scalar_subquery(),
            )
        )
    ranges: list[tuple[Any, Any, Any]] = [
        (ModelRow.context_window, f.min_context_window, f.max_context_window),
        (ModelRow.param_count, f.min_param_count, f.max_param_count),
        (ModelRow.release_date, f.released_after, f.released_before),
    ]
    for column, low, high in ranges:
        if low is not None:
            conditions.append(column >= low)
        if high is not None:
            conditions.append(column <= high)
    price_bounds = []
    price_ranges: list[tuple[Any, Any, Any]] = [
        (ProviderPricingRow.input_price_per_m, f.min_input_price, f.max_input_price),
        (ProviderPricingRow.output_price_per_m, f.min_output_price, f.max_output_price),
    ]
    for column, low, high in price_ranges:
        if low is not None:
            price_bounds.append(column >= low)
        if high is not None:
            price_bounds.append(column <= high)
    if price_bounds:
        # One provider must satisfy every price bound at once.
        conditions.append(_price_exists(*price_bounds))
    return conditions


@lru_cache(maxsize=256)
def _order_source(order: ModelOrder) -> tuple[keyset.AnySelect, list[keyset.SortKey]]:
    """The base statement for an ordering and its sort keys (always ending with the id).
    Built once per ordering: statements are immutable, and building one costs more than
    the compiled path's whole per-request work. (Callers never mutate the keys list.)"""
    stmt = read_base()
    tiebreak = keyset.SortKey(ModelRow.id, order.descending, "int")
    desc = order.descending
    simple: dict[str, tuple[Any, keyset.Codec, bool]] = {
        "NAME": (ModelRow.name, "str", False),
        "RELEASE_DATE": (ModelRow.release_date, "date", True),
        "CREATED_AT": (ModelRow.created_at, "datetime", False),
        "DOWNLOADS": (ModelRow.download_count, "int", False),
        "PARAM_COUNT": (ModelRow.param_count, "int", True),
        "CONTEXT_WINDOW": (ModelRow.context_window, "int", True),
    }
    if order.field in simple:
        expr, codec, nullable = simple[order.field]
        return stmt, [keyset.SortKey(expr, desc, codec, nullable), tiebreak]
    if order.field == "BENCHMARK_SCORE":
        best = (
            select(
                BenchmarkScoreRow.model_id.label("model_id"),
                func.max(BenchmarkScoreRow.normalized_score).label("best_score"),
            )
            .join(BenchmarkRow, BenchmarkRow.id == BenchmarkScoreRow.benchmark_id)
            .where(BenchmarkRow.slug == order.benchmark)
            .group_by(BenchmarkScoreRow.model_id)
            .subquery("best_score")
        )
        stmt = stmt.outerjoin(best, best.c.model_id == ModelRow.id)
        return stmt, [keyset.SortKey(best.c.best_score, desc, "float", True), tiebreak]
    # PRICE: the cheapest current blended price (3 input : 1 output tokens) of any provider.
    ratio = DEFAULT_INPUT_OUTPUT_RATIO
    cheapest = (
        select(
            ProviderPricingRow.model_id.label("model_id"),
            func.min(
                (
                    ProviderPricingRow.input_price_per_m * ratio
                    + ProviderPricingRow.output_price_per_m
                )
                / (ratio + 1)
            ).label("cheapest_price"),
        )
        .where(_current_price())
        .group_by(ProviderPricingRow.model_id)
        .subquery("cheapest")
    )
    stmt = stmt.outerjoin(cheapest, cheapest.c.model_id == ModelRow.id)
    return stmt, [keyset.SortKey(cheapest.c.cheapest_price, desc, "float", True), tiebreak]


def sort_keys(order: ModelOrder) -> list[keyset.SortKey]:
    return _order_source(order)[1]


def page_source(
    viewer: Viewer, f: ModelFilter, order: ModelOrder
) -> tuple[keyset.AnySelect, list[keyset.SortKey]]:
    """The models `viewer` may see that match `f` (record columns), and the sort keys of
    `order`: what a page of the `models` browse is cut from (here and in compiled operations)."""
    stmt, keys = _order_source(order)
    return stmt.where(model_visible(viewer), *filter_conditions(f)), keys


async def page(
    session: AsyncSession, viewer: Viewer, f: ModelFilter, order: ModelOrder, pg: keyset.Page
) -> keyset.PageResult:
    shape = ("models", viewer.organization_id, f, order)
    return await keyset.fetch_cached_page(
        session, shape, lambda: page_source(viewer, f, order), pg, record
    )


def count_statement(viewer: Viewer, f: ModelFilter) -> keyset.AnySelect:
    return (
        base().with_only_columns(func.count()).where(model_visible(viewer), *filter_conditions(f))
    )


async def count(session: AsyncSession, viewer: Viewer, f: ModelFilter) -> int:
    return int((await session.scalar(count_statement(viewer, f))) or 0)


# Partitions let one query page the models of many organizations / families / providers.
Partition = Literal["organization", "family", "provider"]


def _partition(stmt: keyset.AnySelect, partition: Partition) -> tuple[keyset.AnySelect, Any]:
    if partition == "organization":
        return stmt, ModelRow.organization_id
    if partition == "family":
        return stmt, ModelRow.family_id
    stmt = stmt.join(
        ProviderPricingRow, and_(ProviderPricingRow.model_id == ModelRow.id, _current_price())
    )
    return stmt, ProviderPricingRow.provider_id


async def pages_by_parent(
    session: AsyncSession,
    viewer: Viewer,
    partition: Partition,
    parent_ids: Sequence[int],
    f: ModelFilter,
    order: ModelOrder,
    pg: keyset.Page,
) -> dict[int, keyset.PageResult]:
    stmt, keys = _order_source(order)
    stmt, column = _partition(stmt, partition)
    stmt = stmt.where(model_visible(viewer), *filter_conditions(f))
    return await keyset.fetch_partitioned_pages(
        session, stmt, None, keys, pg, column, parent_ids, record
    )


async def counts_by_parent(
    session: AsyncSession,
    viewer: Viewer,
    partition: Partition,
    parent_ids: Sequence[int],
    f: ModelFilter,
) -> dict[int, int]:
    stmt, column = _partition(base(), partition)
    stmt = (
        stmt.with_only_columns(column, func.count(func.distinct(ModelRow.id)))
        .where(column.in_(parent_ids), model_visible(viewer), *filter_conditions(f))
        .group_by(column)
    )
    found = {pid: int(n) for pid, n in (await session.execute(stmt)).all()}
    return {pid: found.get(pid, 0) for pid in parent_ids}
