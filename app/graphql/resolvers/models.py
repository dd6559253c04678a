"""The models connection, for the root `models` and for organizations, families, providers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strawberry.types import Info

from app.graphql import context, prefetch
from app.graphql.inputs import ModelFilter, ModelOrder
from app.graphql.pagination import Connection, build_connection, page_args
from app.repositories import models as models_repo

if TYPE_CHECKING:
    from app.graphql.types.model import Model


async def models_connection(
    info: Info[Any, Any],
    filter: ModelFilter | None,
    order_by: ModelOrder | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    parent: tuple[models_repo.Partition, int] | None = None,
) -> Connection[Model]:
    from app.graphql.types.model import Model

    query = filter.to_query() if filter else models_repo.ModelFilter()
    order = (order_by or ModelOrder()).to_query()
    page = page_args(models_repo.sort_keys(order), first, after, last, before)
    ctx = context.get(info)
    if parent is None:
        async with ctx.read() as session:
            result = await models_repo.page(session, ctx.viewer, query, order, page)
        await prefetch.models(info, prefetch.connection_nodes(info), [m.id for m in result.rows])

        async def count() -> int:
            async with ctx.read() as session:
                return await models_repo.count(session, ctx.viewer, query)

        return build_connection(result, Model.from_record, count)

    partition, parent_id = parent
    result = await ctx.loaders.models_page_by_parent.load(
        (parent_id, partition, query, order, page)
    )
    # Each parent prefetches its own page; the loaders' waves merge the siblings' batches.
    await prefetch.models(info, prefetch.connection_nodes(info), [m.id for m in result.rows])

    async def count_children() -> int:
        count: int = await ctx.loaders.models_count_by_parent.load((parent_id, partition, query))
        return count

    return build_connection(result, Model.from_record, count_children)
