"""`viewer`: who the bearer token is."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.graphql import context
from app.graphql.types.organization import Organization


@strawberry.type(description="Who is asking: nulls for anonymous callers.")
class Viewer:
    is_anonymous: bool = strawberry.field(description="True when the request carries no token.")
    role: str | None = strawberry.field(
        description="The token's role: `reader`, `writer` or `admin`; null for anonymous callers."
    )
    organization_pk: strawberry.Private[int | None]

    @strawberry.field(description="The token's organization; null for anonymous callers.")
    async def organization(self, info: Info) -> Organization | None:
        if self.organization_pk is None:
            return None
        row = await context.loaders(info).organization_by_id.load(self.organization_pk)
        return Organization.from_row(row) if row else None


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="Who the bearer token is (anonymous: nulls).")
    def viewer(self, info: Info) -> Viewer:
        who = context.get(info).viewer
        return Viewer(
            is_anonymous=who.is_anonymous, role=who.role, organization_pk=who.organization_id
        )
