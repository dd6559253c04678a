"""Benchmarks and providers are shared reference data: any writer may upsert them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands.access import require_role
from app.commands.inputs import BenchmarkSpec, ProviderSpec
from app.db.tables import BenchmarkRow, ProviderRow
from app.repositories import audit, catalog_writes
from app.services.validation import Checker


def check_benchmark(data: BenchmarkSpec) -> None:
    check = Checker()
    check.slug(("input", "slug"), data.slug)
    check.text(("input", "name"), data.name, required=True, max_len=200)
    check.text(("input", "category"), data.category, max_len=100)
    check.url(("input", "url"), data.url)
    if data.max_score is not None:
        check.finite(("input", "maxScore"), data.max_score)
        if data.max_score <= 0:
            check.add(("input", "maxScore"), "must be positive")
    check.raise_if_any("Invalid benchmark")


def check_provider(data: ProviderSpec) -> None:
    check = Checker()
    check.slug(("input", "slug"), data.slug)
    check.text(("input", "name"), data.name, required=True, max_len=200)
    check.url(("input", "url"), data.url)
    check.raise_if_any("Invalid provider")


async def _upsert(
    session: AsyncSession, viewer: Viewer, table: type[Any], values: dict[str, Any], kind: str
) -> int:
    """Create or change shared reference data by slug, with its audit entry."""
    row, created = await catalog_writes.upsert_by_slug(session, table, values)
    audit.record(
        session,
        viewer,
        organization_id=viewer.organization_id,
        action=f"{'create' if created else 'update'}_{kind}",
        target_type=kind.title(),
        target_id=row.id,
        details={"slug": row.slug},
    )
    return int(row.id)


async def upsert_benchmark(session: AsyncSession, viewer: Viewer, data: BenchmarkSpec) -> int:
    require_role(viewer)
    check_benchmark(data)
    return await _upsert(session, viewer, BenchmarkRow, asdict(data), "benchmark")


async def upsert_provider(session: AsyncSession, viewer: Viewer, data: ProviderSpec) -> int:
    require_role(viewer)
    check_provider(data)
    return await _upsert(session, viewer, ProviderRow, asdict(data), "provider")
