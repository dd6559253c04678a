"""Organizations, licenses and families."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.graphql.arguments import After, Before, First, Last
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
    slug: str = strawberry.field(description="Stable identifier, e.g. `meta`.")
    name: str = strawberry.field(description="Display name, e.g. `Meta`.")
    description: str | None = strawberry.field(description="Free text; null when none.")
    url: str | None = strawberry.field(description="Home page; null when unknown.")
    created_at: datetime = strawberry.field(description="When the catalog first recorded it (UTC).")

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
        filter: Annotated[
            ModelFilter | None,
            strawberry.argument(
                description="Only models matching every condition given; omitted or "
                "null: all of the organization's."
            ),
        ] = None,
        order_by: Annotated[
            ModelOrder | None,
            strawberry.argument(
                description="Order of the models; omitted or null: by name, ascending."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ModelRef]:
        return await models_connection(
            info, filter, order_by, first, after, last, before, ("organization", self.pk)
        )


@strawberry.type(description="A license under which model weights or outputs are offered.")
class License(Node):
    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="Stable identifier, e.g. `apache-2.0`.")
    name: str = strawberry.field(description="Display name, e.g. `Apache License 2.0`.")
    allow_commercial: bool = strawberry.field(
        description="True when the license allows commercial use."
    )
    url: str | None = strawberry.field(description="The license text; null when unknown.")

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
    slug: str = strawberry.field(description="Stable identifier, e.g. `llama-3`.")
    name: str = strawberry.field(description="Display name, e.g. `Llama 3`.")

    @classmethod
    def from_row(cls, row: Any) -> Family:
        return cls(id=to_global_id("Family", row.id), pk=row.id, slug=row.slug, name=row.name)

    @strawberry.field(description="The family's models the viewer can see.")
    async def models(
        self,
        info: Info,
        filter: Annotated[
            ModelFilter | None,
            strawberry.argument(
                description="Only models matching every condition given; omitted or "
                "null: all of the family's."
            ),
        ] = None,
        order_by: Annotated[
            ModelOrder | None,
            strawberry.argument(
                description="Order of the models; omitted or null: by name, ascending."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ModelRef]:
        return await models_connection(
            info, filter, order_by, first, after, last, before, ("family", self.pk)
        )
