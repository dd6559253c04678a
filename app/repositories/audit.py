"""The audit log: who (token) did what, to which target, when."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.tables import AuditLogRow
from app.repositories import keyset

SORT_KEYS = [keyset.SortKey(AuditLogRow.id, True, "int")]


def record(
    session: AsyncSession,
    viewer: Viewer,
    *,
    organization_id: int | None,
    action: str,
    target_type: str,
    target_id: int | None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditLogRow(
            organization_id=organization_id,
            token_id=viewer.token_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            details=details or {},
        )
    )


async def page(session: AsyncSession, organization_id: int, pg: keyset.Page) -> keyset.PageResult:
    stmt = select(AuditLogRow).where(AuditLogRow.organization_id == organization_id)
    return await keyset.fetch_page(session, stmt, SORT_KEYS, pg)


async def count(session: AsyncSession, organization_id: int) -> int:
    stmt = select(func.count()).where(AuditLogRow.organization_id == organization_id)
    return int((await session.scalar(stmt)) or 0)


__all__: Sequence[str] = ["count", "page", "record"]
