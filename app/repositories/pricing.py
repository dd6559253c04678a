"""Provider prices (USD per million tokens): current, as of a moment, or their history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.tables import ModelRow, ProviderPricingRow, ProviderRow
from app.repositories import keyset
from app.repositories.statements import dialect_of, in_ids, statements
from app.repositories.visibility import model_visible

SORT_KEYS = [keyset.SortKey(ProviderPricingRow.id, False, "int")]
# Price history: newest first.
HISTORY_KEYS = [
    keyset.SortKey(ProviderPricingRow.valid_from, True, "datetime"),
    keyset.SortKey(ProviderPricingRow.id, True, "int"),
]


@dataclass(frozen=True)
class PriceCap:
    """Some provider's current blended price (`ratio` input tokens per output token) is at
    most `max_blended` USD per million tokens."""

    max_blended: float
    ratio: float


def in_effect(as_of: datetime | None) -> ColumnElement[bool]:
    if as_of is None:
        return ProviderPricingRow.valid_to.is_(None)
    return and_(
        ProviderPricingRow.valid_from <= as_of,
        or_(ProviderPricingRow.valid_to.is_(None), ProviderPricingRow.valid_to > as_of),
    )


def blended_sql(ratio: float) -> ColumnElement[float | None]:
    """services.pricing.blended_price in SQL (NULL where either price is unknown)."""
    blended: ColumnElement[float | None] = (
        ProviderPricingRow.input_price_per_m * ratio + ProviderPricingRow.output_price_per_m
    ) / (ratio + 1.0)
    return blended


def priced_at_most(cap: PriceCap) -> ColumnElement[bool]:
    """For statements over ModelRow: some current price of the model is within `cap`."""
    return exists().where(
        ProviderPricingRow.model_id == ModelRow.id,
        in_effect(None),
        blended_sql(cap.ratio) <= cap.max_blended,
    )


def _pricing_rows(viewer: Viewer) -> keyset.AnySelect:
    """Prices with their provider's slug and name, for models the viewer sees."""
    return (
        select(
            ProviderPricingRow,
            ProviderRow.slug.label("provider_slug"),
            ProviderRow.name.label("provider_name"),
        )
        .join(ProviderRow, ProviderRow.id == ProviderPricingRow.provider_id)
        .join(ModelRow, ModelRow.id == ProviderPricingRow.model_id)
        .where(model_visible(viewer))
    )


def _visible_pricing(viewer: Viewer, as_of: datetime | None) -> keyset.AnySelect:
    return _pricing_rows(viewer).where(in_effect(as_of))


# A model's `providers`: prices in effect with the provider's slug and name, by provider name.
visible_pricing = _visible_pricing
PROVIDERS_ORDER = (ProviderRow.name, ProviderPricingRow.id)


async def by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], as_of: datetime | None
) -> dict[int, list[Any]]:
    dialect = dialect_of(session)

    def build() -> Any:
        return (
            _visible_pricing(viewer, as_of)
            .where(in_ids(ProviderPricingRow.model_id, dialect))
            .order_by(ProviderPricingRow.model_id, *PROVIDERS_ORDER)
        )

    stmt = statements.get(("prices", dialect, viewer.organization_id, as_of), build)
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in (await session.execute(stmt, {"ids": list(model_ids)})).all():
        grouped[row[0].model_id].append(row)
    return grouped


async def pages_by_provider(
    session: AsyncSession,
    viewer: Viewer,
    provider_ids: Sequence[int],
    pg: keyset.Page,
    as_of: datetime | None = None,
) -> dict[int, keyset.PageResult]:
    return await keyset.fetch_partitioned_pages(
        session,
        _visible_pricing(viewer, as_of),
        ProviderPricingRow,
        SORT_KEYS,
        pg,
        ProviderPricingRow.provider_id,
        provider_ids,
    )


async def counts_by_provider(
    session: AsyncSession,
    viewer: Viewer,
    provider_ids: Sequence[int],
    as_of: datetime | None = None,
) -> dict[int, int]:
    stmt = (
        _visible_pricing(viewer, as_of)
        .where(ProviderPricingRow.provider_id.in_(provider_ids))
        .with_only_columns(ProviderPricingRow.provider_id, func.count())
        .group_by(ProviderPricingRow.provider_id)
    )
    found = {pid: int(n) for pid, n in (await session.execute(stmt)).all()}
    return {pid: found.get(pid, 0) for pid in provider_ids}


def _history(viewer: Viewer, provider: str | None) -> keyset.AnySelect:
    stmt = _pricing_rows(viewer)
    if provider is not None:
        stmt = stmt.where(ProviderRow.slug == provider)
    return stmt


async def history_pages_by_model(
    session: AsyncSession,
    viewer: Viewer,
    model_ids: Sequence[int],
    provider: str | None,
    pg: keyset.Page,
) -> dict[int, keyset.PageResult]:
    """Every price each model has had (at one provider, or all), newest first."""
    return await keyset.fetch_partitioned_pages(
        session,
        _history(viewer, provider),
        ProviderPricingRow,
        HISTORY_KEYS,
        pg,
        ProviderPricingRow.model_id,
        model_ids,
    )


async def history_counts_by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], provider: str | None
) -> dict[int, int]:
    stmt = (
        _history(viewer, provider)
        .where(ProviderPricingRow.model_id.in_(model_ids))
        .with_only_columns(ProviderPricingRow.model_id, func.count())
        .group_by(ProviderPricingRow.model_id)
    )
    found = {mid: int(n) for mid, n in (await session.execute(stmt)).all()}
    return {mid: found.get(mid, 0) for mid in model_ids}


async def by_ids(session: AsyncSession, viewer: Viewer, ids: Sequence[int]) -> dict[int, Any]:
    """Prices by id, current or past (for `node`), of models the viewer sees."""
    stmt = _pricing_rows(viewer).where(ProviderPricingRow.id.in_(ids))
    return {row[0].id: row for row in (await session.execute(stmt)).all()}
