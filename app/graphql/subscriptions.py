"""GraphQL subscriptions (graphql-transport-ws): the catalog's events, live.

Each subscription is a filter over this worker's hub (app/events/hub.py); visibility is the
rule of every read: public events, and the connection's own organization's private ones.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.events import kinds as event_kinds
from app.events.live import LiveCatalog
from app.events.matching import Filter
from app.graphql import context
from app.graphql.types.event import CatalogEvent, EventKind


async def _stream(info: Info[Any, Any], wanted: Filter) -> AsyncGenerator[CatalogEvent, None]:
    ctx = context.get(info)
    live: LiveCatalog = ctx.request.app.state.live
    await live.start()  # started by the lifespan; here too for apps served without one
    async for event in live.hub.subscribe(ctx.viewer, wanted):
        yield CatalogEvent.from_event(event)


@strawberry.type(
    description="Live catalog events over graphql-transport-ws (token in `connection_init`); "
    "each subscriber sees only events about objects it may see."
)
class Subscription:
    @strawberry.subscription(
        description="Every event you may see, optionally of some kinds or one organization."
    )
    async def catalog_events(
        self,
        info: Info,
        kinds: Annotated[
            list[EventKind] | None,
            strawberry.argument(description="Only these kinds (default: all)."),
        ] = None,
        org: Annotated[
            str | None,
            strawberry.argument(description="Only events about this organization (slug)."),
        ] = None,
    ) -> AsyncGenerator[CatalogEvent, None]:
        wanted = frozenset(k.value for k in kinds) if kinds else None
        async for event in _stream(info, Filter(kinds=wanted, organization=org)):
            yield event

    @strawberry.subscription(description="An alias of a model moved from one version to another.")
    async def alias_moved(
        self,
        info: Info,
        org: Annotated[str, strawberry.argument(description="The model's organization (slug).")],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        alias: Annotated[
            str | None, strawberry.argument(description="Only this alias (default: any).")
        ] = None,
    ) -> AsyncGenerator[CatalogEvent, None]:
        wanted = Filter(
            kinds=frozenset({event_kinds.ALIAS_MOVED}), model=f"{org}/{name}", alias=alias
        )
        async for event in _stream(info, wanted):
            yield event

    @strawberry.subscription(description="A new version of a model was published.")
    async def version_published(
        self,
        info: Info,
        org: Annotated[str, strawberry.argument(description="The model's organization (slug).")],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
    ) -> AsyncGenerator[CatalogEvent, None]:
        wanted = Filter(kinds=frozenset({event_kinds.VERSION_PUBLISHED}), model=f"{org}/{name}")
        async for event in _stream(info, wanted):
            yield event

    @strawberry.subscription(description="A provider's price changed (old, new, relative change).")
    async def price_changed(
        self,
        info: Info,
        model: Annotated[
            str | None,
            strawberry.argument(description="Only this model (`org/slug`; default: any)."),
        ] = None,
        provider: Annotated[
            str | None, strawberry.argument(description="Only this provider (slug; default: any).")
        ] = None,
        min_relative_change: Annotated[
            float | None,
            strawberry.argument(
                description="Only moves of at least this much (0.1 = 10 %) of the input or output "
                "price; a price from nothing or from 0 always counts.",
            ),
        ] = None,
    ) -> AsyncGenerator[CatalogEvent, None]:
        wanted = Filter(
            kinds=frozenset({event_kinds.PRICE_CHANGED}),
            model=model,
            provider=provider,
            min_relative_change=min_relative_change,
        )
        async for event in _stream(info, wanted):
            yield event

    @strawberry.subscription(
        description="A model reached rank 1 of a benchmark's public leaderboard."
    )
    async def new_top_score(
        self,
        info: Info,
        benchmark: Annotated[
            str | None, strawberry.argument(description="Only this benchmark (slug; default: any).")
        ] = None,
    ) -> AsyncGenerator[CatalogEvent, None]:
        wanted = Filter(kinds=frozenset({event_kinds.NEW_TOP_SCORE}), benchmark=benchmark)
        async for event in _stream(info, wanted):
            yield event
