"""Organizations, licenses, families, benchmarks and providers: small reference tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import (
    BenchmarkRow,
    FamilyRow,
    LicenseRow,
    OrganizationRow,
    ProviderRow,
)
from app.repositories import keyset

RowT = TypeVar("RowT", OrganizationRow, LicenseRow, FamilyRow, BenchmarkRow, ProviderRow)


async def by_ids(session: AsyncSession, table: type[RowT], ids: Sequence[int]) -> list[RowT]:
    return list((await session.scalars(select(table).where(table.id.in_(ids)))).all())


async def by_slugs(session: AsyncSession, table: type[RowT], slugs: Sequence[str]) -> list[RowT]:
    return list((await session.scalars(select(table).where(table.slug.in_(slugs)))).all())


def name_sort_keys(table: type[Any]) -> list[keyset.SortKey]:
    return [keyset.SortKey(table.name, False, "str"), keyset.SortKey(table.id, False, "int")]


async def page(
    session: AsyncSession,
    table: type[RowT],
    pg: keyset.Page,
    *,
    category: str | None = None,
    search: str | None = None,
) -> keyset.PageResult:
    stmt = select(table)
    for condition in _conditions(table, category, search):
        stmt = stmt.where(condition)
    return await keyset.fetch_page(session, stmt, name_sort_keys(table), pg)


async def count(
    session: AsyncSession,
    table: type[Any],
    *,
    category: str | None = None,
    search: str | None = None,
) -> int:
    stmt = select(func.count()).select_from(table)
    for condition in _conditions(table, category, search):
        stmt = stmt.where(condition)
    return int((await session.scalar(stmt)) or 0)


def _conditions(table: type[Any], category: str | None, search: str | None) -> list[Any]:
    conditions = []
    if category is not None:
        conditions.append(table.category == category)
    if search:
        conditions.append(func.lower(table.name).contains(search.lower(), autoescape=True))
    return conditions
