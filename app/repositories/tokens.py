"""API tokens and organizations as the CLI and the auth middleware need them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.base import utcnow
from app.db.tables import ApiTokenRow, OrganizationRow


async def viewer_row(session: AsyncSession, secret_hash: str) -> Any | None:
    """(token, organization slug) for a live token with this hash, else None."""
    stmt = (
        select(ApiTokenRow, OrganizationRow.slug)
        .join(OrganizationRow, OrganizationRow.id == ApiTokenRow.organization_id)
        .where(ApiTokenRow.secret_hash == secret_hash, ApiTokenRow.revoked_at.is_(None))
    )
    return (await session.execute(stmt)).first()


async def create(
    session: AsyncSession,
    organization_id: int,
    role: str,
    name: str | None,
    prefix: str,
    secret_hash: str,
) -> ApiTokenRow:
    row = ApiTokenRow(
        organization_id=organization_id,
        role=role,
        name=name,
        prefix=prefix,
        secret_hash=secret_hash,
    )
    session.add(row)
    await session.flush()
    return row


async def revoke(session: AsyncSession, token_id: int) -> bool:
    row = await session.get(ApiTokenRow, token_id)
    if row is None or row.revoked_at is not None:
        return False
    row.revoked_at = utcnow()
    return True


async def listing(session: AsyncSession, organization_slug: str | None) -> Sequence[Any]:
    stmt = (
        select(ApiTokenRow, OrganizationRow.slug)
        .join(OrganizationRow, OrganizationRow.id == ApiTokenRow.organization_id)
        .order_by(ApiTokenRow.id)
    )
    if organization_slug is not None:
        stmt = stmt.where(OrganizationRow.slug == organization_slug)
    return (await session.execute(stmt)).all()


async def organization_by_slug(session: AsyncSession, slug: str) -> OrganizationRow | None:
    return (
        await session.scalars(select(OrganizationRow).where(OrganizationRow.slug == slug))
    ).first()
