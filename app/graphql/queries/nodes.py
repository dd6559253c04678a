"""`node`/`nodes`: any object by its global id, through the same loaders (and rules)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.errors import InvalidRequest, NotFound, validation_error
from app.graphql import context
from app.graphql.loaders import Loaders
from app.graphql.types.model import Model, ModelAlias
from app.graphql.types.node import Node, from_global_id
from app.graphql.types.organization import Family, License, Organization
from app.graphql.types.provider import Provider, ProviderPricing
from app.graphql.types.score import Benchmark, BenchmarkScore
from app.graphql.types.version import ModelVersion

MAX_NODES = 100

_RESOLVERS: dict[str, tuple[Callable[[Loaders], Any], Callable[[Any], Node]]] = {
    "Model": (lambda loaders: loaders.model_by_id, Model.from_record),
    "ModelVersion": (lambda loaders: loaders.version_by_id, ModelVersion.from_row),
    "Organization": (lambda loaders: loaders.organization_by_id, Organization.from_row),
    "License": (lambda loaders: loaders.license_by_id, License.from_row),
    "Family": (lambda loaders: loaders.family_by_id, Family.from_row),
    "Benchmark": (lambda loaders: loaders.benchmark_by_id, Benchmark.from_row),
    "BenchmarkScore": (lambda loaders: loaders.score_by_id, BenchmarkScore.from_record),
    "Provider": (lambda loaders: loaders.provider_by_id, Provider.from_row),
    "ModelAlias": (lambda loaders: loaders.alias_by_id, lambda found: ModelAlias.from_row(*found)),
    "ProviderPricing": (lambda loaders: loaders.pricing_by_id, ProviderPricing.from_row),
}


async def _resolve(info: Info[Any, Any], global_id: str, *, strict: bool = True) -> Node:
    """The object of `global_id`. A malformed id is `invalid_request` when `strict`, else (in
    `nodes`) `not_found` like a missing one: each id of a list gets its own answer."""
    try:
        type_name, pk = from_global_id(global_id)
    except InvalidRequest:
        if strict:
            raise
        raise NotFound(f"No object with id '{global_id[:100]}'") from None
    entry = _RESOLVERS.get(type_name)
    row = await entry[0](context.loaders(info)).load(pk) if entry else None
    if row is None:
        raise NotFound(f"No object with id '{global_id[:100]}'")
    assert entry is not None
    return entry[1](row)


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global id.")
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="A global id, as returned in any object's `id`."),
        ],
    ) -> Node | None:
        return await _resolve(info, id)

    @strawberry.field(
        description="Objects by global id, in order; null (plus a `not_found` error of its "
        "own) for each id that is missing or malformed."
    )
    def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Up to 100 global ids.")
        ],
    ) -> list[Node | None]:
        if len(ids) > MAX_NODES:
            raise validation_error(("ids",), f"at most {MAX_NODES} ids")
        # Awaitables per item: a missing item becomes null with its own error, not the list.
        return [_resolve(info, global_id, strict=False) for global_id in ids]  # type: ignore[misc]
