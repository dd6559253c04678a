"""Load what a page of models will be asked for, before their fields run.

Called by the resolvers that produce models (a connection's page, `model`, a leaderboard):
they read the selection (`lookahead`), load each asked-for relation for every item at once
through the request's loaders (one wave, one statement per relation, as the fields would),
and the fields then find their data resolved and answer synchronously (`now_or_later`):
no coroutine, future or task per field and item. What is not prefetched here (connections
with page arguments, fields under directives) still loads itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any

from graphql import FieldNode
from strawberry.types import Info

from app.graphql import context
from app.graphql.lookahead import nodes_at, wanted

MAX_TOP_SCORES = 100  # `Model.topScores(limit:)` accepts 1..MAX_TOP_SCORES
CONNECTION_NODES = (("edges", "node"), ("nodes",))
# ModelVersion fields that load data of their own (the others are the version's columns).
VERSION_RELATIONS = frozenset(
    {"model", "files", "fileOids", "metrics", "statistics", "aliases", "baseVersion"}
)


def connection_nodes(info: Info[Any, Any]) -> list[FieldNode]:
    """The node selections of the connection the current field returns."""
    return [node for path in CONNECTION_NODES for node in nodes_at(info, path)]


async def models(info: Info[Any, Any], parents: Sequence[FieldNode], pks: Sequence[int]) -> None:
    """Prefetch, for the models `pks`, the fields selected under `parents` (Model nodes)."""
    if not pks or not parents:
        return
    loaders = context.loaders(info)
    jobs: list[Awaitable[list[Any]]] = []
    for field in wanted(info, "Model", parents):
        name, args = field.name, field.arguments
        if name in ("latestVersion", "latestActiveVersion"):
            # Asked with relations of its own (files, metrics), the latest version is left to
            # load with the other versions of the response, so that their files share a batch.
            asked = wanted(info, "ModelVersion", [field.node])
            if any(child.name in VERSION_RELATIONS for child in asked):
                continue
            active = name == "latestActiveVersion"
            jobs.append(loaders.latest_version.load_many([(pk, active) for pk in pks]))
        elif name == "topScores":
            limit = args.get("limit")
            if isinstance(limit, int) and 1 <= limit <= MAX_TOP_SCORES:
                jobs.append(loaders.top_scores.load_many([(pk, limit) for pk in pks]))
        elif name in ("providers", "cheapestProvider"):
            as_of = args.get("asOf")
            jobs.append(loaders.pricing_by_model.load_many([(pk, as_of) for pk in pks]))
        elif name == "externalIds":
            jobs.append(loaders.external_ids_by_model.load_many(list(pks)))
    if jobs:
        await asyncio.gather(*jobs)
