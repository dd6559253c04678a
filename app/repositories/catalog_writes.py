"""Writes of the catalog side: organizations, benchmarks, providers, prices, scores
(models and their mirror tables: app/commands/model_writer.py).

Callers own the transaction; these functions only add to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.base import utcnow
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    ModelRow,
    OrganizationRow,
    ProviderPricingRow,
    ProviderRow,
)


async def slug_exists(session: AsyncSession, table: type[Any], slug: str) -> bool:
    return (await session.scalar(select(table.id).where(table.slug == slug))) is not None


async def create_organization(session: AsyncSession, values: dict[str, Any]) -> OrganizationRow:
    row = OrganizationRow(**values)
    session.add(row)
    await session.flush()
    return row


async def model_exists(session: AsyncSession, organization_id: int, slug: str) -> bool:
    stmt = select(ModelRow.id).where(
        ModelRow.organization_id == organization_id, ModelRow.slug == slug
    )
    return (await session.scalar(stmt)) is not None


async def upsert_by_slug(
    session: AsyncSession, table: type[Any], values: dict[str, Any]
) -> tuple[Any, bool]:
    """(row, created). Only changed values are written."""
    row = (await session.scalars(select(table).where(table.slug == values["slug"]))).first()
    if row is None:
        row = table(**values)
        session.add(row)
        await session.flush()
        return row, True
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
    await session.flush()
    return row, False


async def current_price(
    session: AsyncSession, provider_id: int, model_id: int
) -> ProviderPricingRow | None:
    stmt = select(ProviderPricingRow).where(
        ProviderPricingRow.provider_id == provider_id,
        ProviderPricingRow.model_id == model_id,
        ProviderPricingRow.valid_to.is_(None),
    )
    return (await session.scalars(stmt)).first()


async def set_price(
    session: AsyncSession,
    provider_id: int,
    model_id: int,
    values: dict[str, Any],
    at: datetime | None = None,
) -> tuple[ProviderPricingRow, bool]:
    """Close the current price and open a new one when anything changed (price history).

    Returns (current row, changed)."""
    at = at or utcnow()
    current = await current_price(session, provider_id, model_id)
    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
        return current, False
    if current is not None:
        current.valid_to = at
    row = ProviderPricingRow(provider_id=provider_id, model_id=model_id, valid_from=at, **values)
    session.add(row)
    await session.flush()
    return row, True


async def models_by_names(
    session: AsyncSession, names: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], ModelRow]:
    stmt = (
        select(OrganizationRow.slug, ModelRow)
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
        .where(tuple_(OrganizationRow.slug, ModelRow.slug).in_(list(names)))
    )
    return {(org, row.slug): row for org, row in (await session.execute(stmt)).all()}


async def benchmarks_by_slugs(
    session: AsyncSession, slugs: Sequence[str]
) -> dict[str, BenchmarkRow]:
    rows = (await session.scalars(select(BenchmarkRow).where(BenchmarkRow.slug.in_(slugs)))).all()
    return {row.slug: row for row in rows}


async def upsert_scores(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> list[BenchmarkScoreRow]:
    """Insert or update scores keyed by (model, benchmark, version, source, source URL); an
    importer's row differs by its `variant` too, which scores written here leave empty."""
    keys = [(r["model_id"], r["benchmark_id"]) for r in rows]
    stmt = select(BenchmarkScoreRow).where(
        tuple_(BenchmarkScoreRow.model_id, BenchmarkScoreRow.benchmark_id).in_(keys)
    )
    existing = {
        (s.model_id, s.benchmark_id, s.version_id, s.source, s.source_url, s.variant): s
        for s in (await session.scalars(stmt)).all()
    }
    result = []
    for given in rows:
        values = {k: v for k, v in given.items() if k != "organization_id"}
        key = (
            values["model_id"],
            values["benchmark_id"],
            values["version_id"],
            values["source"],
            values["source_url"],
            values.get("variant", ""),
        )
        row = existing.get(key)
        if row is None:
            row = BenchmarkScoreRow(**values)
            session.add(row)
            existing[key] = row
        else:
            for name, value in values.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
        result.append(row)
    await session.flush()
    return result


async def organizations_by_slugs(
    session: AsyncSession, slugs: Sequence[str]
) -> dict[str, OrganizationRow]:
    rows = (
        await session.scalars(select(OrganizationRow).where(OrganizationRow.slug.in_(slugs)))
    ).all()
    return {row.slug: row for row in rows}


async def providers_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> dict[str, ProviderRow]:
    rows = (await session.scalars(select(ProviderRow).where(ProviderRow.slug.in_(slugs)))).all()
    return {row.slug: row for row in rows}
