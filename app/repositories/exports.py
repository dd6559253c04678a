"""Bulk export rows: every visible row of one kind, in keyset batches of primary-key order.

Memory stays flat whatever the catalog's size: each batch is one statement (`id > last`
ORDER BY id LIMIT n) whose rows are handed on before the next is read, so at most one batch is
held. The visibility rule is the repositories' own (visibility.py, scores.visible_scores): an
anonymous viewer gets public rows, a token's viewer its organization's private ones too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, RowMapping, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    FamilyRow,
    LicenseRow,
    ModelRow,
    ModelVersionRow,
    OrganizationRow,
    ProviderPricingRow,
    ProviderRow,
)
from app.repositories import keyset
from app.repositories.pricing import in_effect
from app.repositories.scores import visible_scores
from app.repositories.versions import DELETED
from app.repositories.visibility import model_visible, version_visible
from app.services.export_format import COLUMNS

BATCH_SIZE = 1000
_KEY = "_key"


@dataclass(frozen=True)
class ExportQuery:
    kind: str
    viewer: Viewer
    # The last instant that counts (export_format.as_of_moment); None: the catalog now.
    as_of: datetime | None = None


def _canonical() -> ColumnElement[str]:
    name: ColumnElement[str] = OrganizationRow.slug + "/" + ModelRow.slug
    return name


def _models(query: ExportQuery) -> tuple[keyset.AnySelect, Any]:
    stmt = (
        select(
            ModelRow.id.label(_KEY),
            _canonical().label("model"),
            OrganizationRow.slug.label("organization"),
            ModelRow.slug,
            ModelRow.name,
            ModelRow.description,
            LicenseRow.slug.label("license"),
            FamilyRow.slug.label("family"),
            ModelRow.open_weight,
            ModelRow.model_type,
            ModelRow.modalities,
            ModelRow.task,
            ModelRow.framework,
            ModelRow.context_window,
            ModelRow.param_count,
            ModelRow.release_date,
            ModelRow.source,
            ModelRow.url,
            ModelRow.is_public,
            ModelRow.download_count,
            ModelRow.created_at,
            ModelRow.updated_at,
        )
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
        .outerjoin(LicenseRow, LicenseRow.id == ModelRow.license_id)
        .outerjoin(FamilyRow, FamilyRow.id == ModelRow.family_id)
        .where(model_visible(query.viewer))
    )
    if query.as_of is not None:
        # Released by then; a model without a release date, once the catalog had it.
        stmt = stmt.where(
            or_(
                ModelRow.release_date <= query.as_of.date(),
                and_(ModelRow.release_date.is_(None), ModelRow.created_at <= query.as_of),
            )
        )
    return stmt, ModelRow.id


def _versions(query: ExportQuery) -> tuple[keyset.AnySelect, Any]:
    stmt = (
        select(
            ModelVersionRow.id.label(_KEY),
            _canonical().label("model"),
            ModelVersionRow.version,
            ModelVersionRow.artifact_id,
            ModelVersionRow.status,
            ModelVersionRow.is_prerelease,
            ModelVersionRow.is_public,
            ModelVersionRow.framework,
            ModelVersionRow.architecture,
            ModelVersionRow.task,
            ModelVersionRow.base_model,
            ModelVersionRow.file_size_bytes,
            ModelVersionRow.download_count,
            ModelVersionRow.created_at,
            ModelVersionRow.updated_at,
        )
        .join(ModelRow, ModelRow.id == ModelVersionRow.model_id)
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
        # DELETED versions are gone for readers, here as everywhere.
        .where(version_visible(query.viewer), ModelVersionRow.status != DELETED)
    )
    if query.as_of is not None:
        stmt = stmt.where(ModelVersionRow.created_at <= query.as_of)
    return stmt, ModelVersionRow.id


def _scores(query: ExportQuery) -> tuple[keyset.AnySelect, Any]:
    stmt = (
        visible_scores(query.viewer)
        .with_only_columns(
            BenchmarkScoreRow.id.label(_KEY),
            _canonical().label("model"),
            BenchmarkRow.slug.label("benchmark"),
            BenchmarkRow.name.label("benchmark_name"),
            BenchmarkRow.category,
            BenchmarkScoreRow.score,
            BenchmarkScoreRow.max_score,
            BenchmarkScoreRow.normalized_score,
            BenchmarkScoreRow.kind,
            BenchmarkScoreRow.is_self_reported,
            BenchmarkScoreRow.is_verified,
            BenchmarkScoreRow.source,
            BenchmarkScoreRow.variant,
            ModelVersionRow.version,
            BenchmarkScoreRow.scored_at,
            BenchmarkScoreRow.uncertainty,
            BenchmarkScoreRow.source_url,
            maintain_column_froms=False,
        )
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
        .outerjoin(ModelVersionRow, ModelVersionRow.id == BenchmarkScoreRow.version_id)
    )
    if query.as_of is not None:
        # Known by then: scored (or first observed) on or before the day; undated rows are not.
        stmt = stmt.where(BenchmarkScoreRow.scored_at <= query.as_of)
    return stmt, BenchmarkScoreRow.id


def _prices(query: ExportQuery) -> tuple[keyset.AnySelect, Any]:
    stmt = (
        select(
            ProviderPricingRow.id.label(_KEY),
            _canonical().label("model"),
            ProviderRow.slug.label("provider"),
            ProviderRow.name.label("provider_name"),
            ProviderPricingRow.status,
            ProviderPricingRow.input_price_per_m,
            ProviderPricingRow.output_price_per_m,
            ProviderPricingRow.valid_from,
            ProviderPricingRow.valid_to,
            ProviderPricingRow.source,
            ProviderPricingRow.source_url,
        )
        .join(ProviderRow, ProviderRow.id == ProviderPricingRow.provider_id)
        .join(ModelRow, ModelRow.id == ProviderPricingRow.model_id)
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
        .where(model_visible(query.viewer), in_effect(query.as_of))
    )
    return stmt, ProviderPricingRow.id


_BUILDERS = {"models": _models, "versions": _versions, "scores": _scores, "prices": _prices}


def statement(query: ExportQuery) -> tuple[keyset.AnySelect, Any]:
    stmt, key = _BUILDERS[query.kind](query)
    names = [c.key for c in stmt.selected_columns][1:]
    assert tuple(names) == COLUMNS[query.kind], names  # the documented columns, in order
    return stmt, key


async def count(session: AsyncSession, query: ExportQuery) -> int:
    stmt, _ = statement(query)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    return int(total or 0)


async def batches(
    session: AsyncSession, query: ExportQuery, size: int = BATCH_SIZE
) -> AsyncIterator[Sequence[RowMapping]]:
    """Lists of at most `size` rows (column name → value), in primary-key order."""
    stmt, key = statement(query)
    last: int | None = None
    while True:
        page = stmt if last is None else stmt.where(key > last)
        rows = (await session.execute(page.order_by(key).limit(size))).mappings().all()
        if not rows:
            return
        last = rows[-1][_KEY]
        yield rows
        if len(rows) < size:
            return
