"""AliasChange: one move of an alias (who moved it, from where, to where, when)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.types import Info

from app.graphql import context
from app.graphql.types.version import ModelVersion


@strawberry.type(description="An alias moved: from one version to another (null: created/removed).")
class AliasChange:
    alias: str = strawberry.field(description="The alias name, e.g. `latest`.")
    from_version: str | None = strawberry.field(description="Null when the alias was created.")
    to_version: str | None = strawberry.field(description="Null when the alias was removed.")
    changed_at: datetime = strawberry.field(description="When the alias moved (UTC).")
    changed_by_token_id: int | None = strawberry.field(description="The token that moved it.")
    from_pk: strawberry.Private[int | None]
    to_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> AliasChange:
        """From an (AliasHistoryRow, from_version, to_version) row."""
        h = row[0]
        return cls(
            alias=h.alias,
            from_version=row.from_version,
            to_version=row.to_version,
            changed_at=h.changed_at,
            changed_by_token_id=h.token_id,
            from_pk=h.from_version_id if row.from_version is not None else None,
            to_pk=h.to_version_id if row.to_version is not None else None,
        )

    @strawberry.field(name="from", description="The version it pointed at before.")
    async def from_(self, info: Info) -> ModelVersion | None:
        return await _version(info, self.from_pk)

    @strawberry.field(description="The version it pointed at after.")
    async def to(self, info: Info) -> ModelVersion | None:
        return await _version(info, self.to_pk)


async def _version(info: Info, pk: int | None) -> ModelVersion | None:
    if pk is None:
        return None
    row = await context.loaders(info).version_by_id.load(pk)
    return ModelVersion.from_row(row) if row is not None else None
