"""Organizations, licenses and families."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.graphql.inputs import ModelFilter, ModelOrder
from app.graphql.pagination import Connection
from app.graphql.resolvers.models import models_connection
from app.graphql.types.node import Node, to_global_id

if TYPE_CHECKING:
    from app.graphql.types.model import Model

ModelRef = Annotated["Model", strawberry.lazy("app.graphql.types.model")]


@strawberry.type(description="A model publisher (a lab, a company, a team).")
class Organization(Node):
    pk: strawberry.Private[int]
    slug: str
    name: str
    description: str | None
    url: str | None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> Organization:
        return cls(
            id=to_global_id("Organization", row.id),
            pk=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description,
            url=row.url,
            created_at=row.created_at,
        )

    @strawberry.field(description="The organization's models the viewer can see.")
    async def models(
        self,
        info: Info,
        filter: ModelFilter | None = None,
        order_by: ModelOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ModelRef]:
        return await models_connection(
            info, filter, order_by, first, after, last, before, ("organization", self.pk)
        )


@strawberry.type(description="A license under which model weights or outputs are offered.")
class License(Node):
    pk: strawberry.Private[int]
    slug: str
    name: str
    allow_commercial: bool
    url: str | None

    @classmethod
    def from_row(cls, row: Any) -> License:
        return cls(
            id=to_global_id("License", row.id),
            pk=row.id,
            slug=row.slug,
            name=row.name,
            allow_commercial=row.allow_commercial,
            url=row.url,
        )


@strawberry.type(description="A family of related models (e.g. Llama 3).")
class Family(Node):
    pk: strawberry.Private[int]
    slug: str
    name: str

    @classmethod
    def from_row(cls, row: Any) -> Family:
        return cls(id=to_global_id("Family", row.id), pk=row.id, slug=row.slug, name=row.name)

    @strawberry.field(description="The family's models the viewer can see.")
    async def models(
        self,
        info: Info,
        filter: ModelFilter | None = None,
        order_by: ModelOrder | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ModelRef]:
        return await models_connection(
            info, filter, order_by, first, after, last, before, ("family", self.pk)
        )
