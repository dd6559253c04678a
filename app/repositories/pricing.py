"""Provider prices (USD per million tokens), current or as of a moment, batched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.tables import ModelRow, ProviderPricingRow, ProviderRow
from app.repositories import keyset
from app.repositories.visibility import model_visible

SORT_KEYS = [keyset.SortKey(ProviderPricingRow.id, False, "int")]


def in_effect(as_of: datetime | None) -> ColumnElement[bool]:
    if as_of is None:
        return ProviderPricingRow.valid_to.is_(None)
    return and_(
        ProviderPricingRow.valid_from <= as_of,
        or_(ProviderPricingRow.valid_to.is_(None), ProviderPricingRow.valid_to > as_of),
    )


def _visible_pricing(viewer: Viewer, as_of: datetime | None) -> keyset.AnySelect:
    """Prices with their provider's slug and name, for models the viewer sees."""
    return (
        select(
            ProviderPricingRow,
            ProviderRow.slug.label("provider_slug"),
            ProviderRow.name.label("provider_name"),
        )
        .join(ProviderRow, ProviderRow.id == ProviderPricingRow.provider_id)
        .join(ModelRow, ModelRow.id == ProviderPricingRow.model_id)
        .where(model_visible(viewer), in_effect(as_of))
    )


async def by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], as_of: datetime | None
) -> dict[int, list[Any]]:
    stmt = (
        _visible_pricing(viewer, as_of)
        .where(ProviderPricingRow.model_id.in_(model_ids))
        .order_by(ProviderPricingRow.model_id, ProviderRow.name, ProviderPricingRow.id)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in (await session.execute(stmt)).all():
        grouped[row[0].model_id].append(row)
    return grouped


async def pages_by_provider(
    session: AsyncSession, viewer: Viewer, provider_ids: Sequence[int], pg: keyset.Page
) -> dict[int, keyset.PageResult]:
    return await keyset.fetch_partitioned_pages(
        session,
        _visible_pricing(viewer, None),
        ProviderPricingRow,
        SORT_KEYS,
        pg,
        ProviderPricingRow.provider_id,
        provider_ids,
    )


async def counts_by_provider(
    session: AsyncSession, viewer: Viewer, provider_ids: Sequence[int]
) -> dict[int, int]:
    stmt = (
        _visible_pricing(viewer, None)
        .where(ProviderPricingRow.provider_id.in_(provider_ids))
        .with_only_columns(ProviderPricingRow.provider_id, func.count())
        .group_by(ProviderPricingRow.provider_id)
    )
    found = {pid: int(n) for pid, n in (await session.execute(stmt)).all()}
    return {pid: found.get(pid, 0) for pid in provider_ids}
