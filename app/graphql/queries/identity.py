"""`resolveModel(id:)`: any source's id (or an alias, or `org/slug`) to the canonical model."""

from __future__ import annotations

from functools import cache
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.errors import InvalidRequest, NotFound
from app.graphql import context
from app.graphql.types.model import Model
from app.importers.aliases import load_aliases
from app.repositories import external_ids as external_ids_repo
from app.repositories import models as models_repo


@cache
def _aliases() -> dict[str, frozenset[str]]:
    return load_aliases()


@strawberry.type
class IdentityQuery:
    @strawberry.field(
        description="The model any source calls `id` (`gpt-4o-2024-08-06`, "
        "`azure/eu/gpt-4o-2024-08-06`, `anthropic/claude-sonnet-4.5`, a Hugging Face repo id, "
        "`org/slug`). Ambiguous ids are an `invalid_request` listing the candidates."
    )
    async def resolve_model(
        self,
        info: Info,
        id: Annotated[
            str,
            strawberry.argument(
                description="Any source's id for the model, e.g. `gpt-4o-2024-08-06` or"
                " `meta-llama/Llama-3.1-8B-Instruct`."
            ),
        ],
    ) -> Model | None:
        ctx = context.get(info)
        async with ctx.read() as session:
            row, candidates = await external_ids_repo.resolve(session, ctx.viewer, id, _aliases())
            if candidates:
                rows = await models_repo.by_ids(session, ctx.viewer, candidates)
                names = sorted(r.canonical_name for r in rows)
                raise InvalidRequest(f"model id '{id}' is ambiguous: {', '.join(names)}")
        if row is None:
            raise NotFound(f"Model '{id}' not found")
        return Model.from_record(row)
