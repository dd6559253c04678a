"""`auditLog`: what was changed in an organization, by which token, when (admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, cast

import strawberry
from strawberry.types import Info

from app.commands.access import require_role
from app.errors import NotFound, PermissionDenied
from app.graphql import context
from app.graphql.arguments import After, Before, First, Last
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.scalars import JSON
from app.repositories import audit as audit_repo


@strawberry.type(description="One recorded change.")
class AuditEntry:
    action: str = strawberry.field(
        description="What was done, e.g. `create_model`, `set_pricing`, `set_alias`."
    )
    target_type: str = strawberry.field(
        description="The kind of object changed, e.g. `Model`, `ModelVersion`."
    )
    target_id: int | None = strawberry.field(
        description="The changed object's database id; null when the change has no single target."
    )
    details: JSON = strawberry.field(
        description="What changed (JSON object; keys depend on `action`)."
    )
    token_id: int | None = strawberry.field(description="Who: the token that made the change.")
    created_at: datetime = strawberry.field(description="When the change was made (UTC).")

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
        org: Annotated[
            str,
            strawberry.argument(
                description="The organization's slug: the caller's own (admin tokens only)."
            ),
        ],
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
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
