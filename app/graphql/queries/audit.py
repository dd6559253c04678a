"""`auditLog`: what was changed in an organization, by which token, when (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.types import Info

from app.commands.access import require_role
from app.errors import NotFound, PermissionDenied
from app.graphql import context
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.scalars import JSON
from app.repositories import audit as audit_repo


@strawberry.type(description="One recorded change.")
class AuditEntry:
    action: str
    target_type: str
    target_id: int | None
    details: JSON
    token_id: int | None = strawberry.field(description="Who: the token that made the change.")
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> AuditEntry:
        entry = row[0]
        return cls(
            action=entry.action,
            target_type=entry.target_type,
            target_id=entry.target_id,
            details=cast(JSON, dict(entry.details or {})),
            token_id=entry.token_id,
            created_at=entry.created_at,
        )


@strawberry.type
class AuditQuery:
    @strawberry.field(description="An organization's audit log, newest first (its admins only).")
    async def audit_log(
        self,
        info: Info,
        org: str,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AuditEntry] | None:
        ctx = context.get(info)
        require_role(ctx.viewer, ("admin",))
        organization = await ctx.loaders.organization_by_slug.load(org)
        if organization is None:
            raise NotFound(f"Organization '{org}' not found")
        if organization.id != ctx.viewer.organization_id:
            raise PermissionDenied(f"Only admins of '{org}' may read its audit log")
        page = page_args(audit_repo.SORT_KEYS, first, after, last, before)
        async with ctx.read() as session:
            result = await audit_repo.page(session, organization.id, page)

        async def count() -> int:
            async with ctx.read() as session:
                return await audit_repo.count(session, organization.id)

        return build_connection(result, AuditEntry.from_row, count)
