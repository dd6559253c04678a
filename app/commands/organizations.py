"""Organizations are created by admins."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands.access import require_role
from app.commands.inputs import NewOrganization
from app.db.tables import OrganizationRow
from app.errors import AlreadyExists
from app.repositories import audit, catalog_writes
from app.services.organizations import check_organization
from app.services.validation import Checker


async def create_organization(session: AsyncSession, viewer: Viewer, data: NewOrganization) -> int:
    require_role(viewer, ("admin",))
    check = Checker()
    check_organization(check, ("input",), data.slug, data.name, data.description, data.url)
    check.raise_if_any("Invalid organization")
    if await catalog_writes.slug_exists(session, OrganizationRow, data.slug):
        raise AlreadyExists(f"Organization '{data.slug}' already exists")
    row = await catalog_writes.create_organization(
        session,
        {"slug": data.slug, "name": data.name, "description": data.description, "url": data.url},
    )
    audit.record(
        session,
        viewer,
        organization_id=row.id,
        action="create_organization",
        target_type="Organization",
        target_id=row.id,
        details={"slug": row.slug},
    )
    return row.id
