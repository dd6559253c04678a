"""Inference providers and their prices."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.errors import validation_error
from app.graphql import context
from app.graphql.arguments import After, Before, First, Last
from app.graphql.inputs import ModelFilter, ModelOrder
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.resolvers.models import models_connection
from app.graphql.types.node import Node, to_global_id
from app.repositories import pricing as pricing_repo
from app.services import costs
from app.services.pricing import DEFAULT_INPUT_OUTPUT_RATIO, blended_price

if TYPE_CHECKING:
    from app.graphql.types.model import Model

ModelRef = Annotated["Model", strawberry.lazy("app.graphql.types.model")]


@strawberry.type(
    description="A provider's price for a model, USD per million tokens. Each price is its own "
    "object: a new price gets a new `id`, and the one it replaces keeps its own, with `validTo`."
)
class ProviderPricing(Node):
    provider_pk: strawberry.Private[int]
    model_pk: strawberry.Private[int]
    provider_id: str = strawberry.field(description="The provider's slug.")
    provider_name: str = strawberry.field(description="The provider's display name.")
    status: str = strawberry.field(
        description="One of `active`, `deprecated`, `preview`, `unavailable`."
    )
    input_price_per_m: float | None = strawberry.field(
        description="USD per million input tokens; null when unknown."
    )
    output_price_per_m: float | None = strawberry.field(
        description="USD per million output tokens; null when unknown."
    )
    valid_from: datetime = strawberry.field(description="When this price took effect (UTC).")
    valid_to: datetime | None = strawberry.field(description="Null while the price is current.")
    source: str | None = strawberry.field(description="Who recorded the price (an importer).")
    source_url: str | None = strawberry.field(
        description="Where the price is published; null when unknown."
    )

    @classmethod
    def from_row(cls, row: Any) -> ProviderPricing:
        """From a (ProviderPricingRow, provider_slug, provider_name) row."""
        p = row[0]
        return cls(
            id=to_global_id("ProviderPricing", p.id),
            provider_pk=p.provider_id,
            model_pk=p.model_id,
            provider_id=row.provider_slug,
            provider_name=row.provider_name,
            status=p.status,
            input_price_per_m=p.input_price_per_m,
            output_price_per_m=p.output_price_per_m,
            valid_from=p.valid_from,
            valid_to=p.valid_to,
            source=p.source,
            source_url=p.source_url,
        )

    @strawberry.field(
        description="USD per million tokens of a workload with `inputOutputRatio` input tokens "
        "per output token: (input * ratio + output) / (ratio + 1). Null if a price is unknown."
    )
    def blended_price(
        self,
        input_output_ratio: Annotated[
            float,
            strawberry.argument(
                description="Input tokens per output token of the workload (> 0); default 3."
            ),
        ] = DEFAULT_INPUT_OUTPUT_RATIO,
    ) -> float | None:
        check_ratio(input_output_ratio)
        return blended_price(self.input_price_per_m, self.output_price_per_m, input_output_ratio)

    @strawberry.field(description="The provider.")
    async def provider(self, info: Info) -> Provider:
        row = await context.loaders(info).provider_by_id.load(self.provider_pk)
        return Provider.from_row(row)

    @strawberry.field(description="The model priced.")
    async def model(self, info: Info) -> ModelRef:
        from app.graphql.types.model import Model

        row = await context.loaders(info).model_by_id.load(self.model_pk)
        return Model.from_record(row)


@strawberry.type(description="An inference provider (an API that serves models).")
class Provider(Node):
    pk: strawberry.Private[int]
    slug: str = strawberry.field(description="Stable identifier, e.g. `openai`, `openrouter`.")
    name: str = strawberry.field(description="Display name.")
    url: str | None = strawberry.field(description="Home page; null when unknown.")

    @classmethod
    def from_row(cls, row: Any) -> Provider:
        return cls(
            id=to_global_id("Provider", row.id),
            pk=row.id,
            slug=row.slug,
            name=row.name,
            url=row.url,
        )

    @strawberry.field(description="Models the provider currently prices.")
    async def models(
        self,
        info: Info,
        filter: Annotated[
            ModelFilter | None,
            strawberry.argument(
                description="Only models matching every condition given; omitted or "
                "null: all it prices."
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
            info, filter, order_by, first, after, last, before, ("provider", self.pk)
        )

    @strawberry.field(
        description="The provider's prices: current ones, or those in effect at `asOf`."
    )
    async def pricing(
        self,
        info: Info,
        as_of: Annotated[
            datetime | None,
            strawberry.argument(
                description="A moment (UTC): the prices in effect then; omitted or "
                "null: the current ones."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ProviderPricing]:
        page = page_args(pricing_repo.SORT_KEYS, first, after, last, before)
        loaders = context.loaders(info)
        result = await loaders.pricing_page_by_provider.load((self.pk, page, as_of))

        async def count() -> int:
            total: int = await loaders.pricing_count_by_provider.load((self.pk, as_of))
            return total

        return build_connection(result, ProviderPricing.from_row, count)


def check_ratio(ratio: float, loc: tuple[str | int, ...] = ("inputOutputRatio",)) -> None:
    if not costs.valid_ratio(ratio):
        raise validation_error(loc, "must be a finite number > 0", "value_error.ratio")
