"""Domain events as subscribers receive them (`Subscription`), built from outbox records."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast

import strawberry

from app.events import kinds
from app.events.kinds import StoredEvent
from app.graphql.scalars import JSON
from app.graphql.types.enums import described


@strawberry.enum(description="What happened in the catalog.")
class EventKind(Enum):
    VERSION_PUBLISHED = described(kinds.VERSION_PUBLISHED, "A version was published.")
    VERSION_STATUS_CHANGED = described(
        kinds.VERSION_STATUS_CHANGED, "A version's status changed (old and new status)."
    )
    VERSION_DELETED = described(kinds.VERSION_DELETED, "A version was deleted.")
    ALIAS_SET = described(kinds.ALIAS_SET, "An alias was set for the first time.")
    ALIAS_MOVED = described(
        kinds.ALIAS_MOVED, "An alias moved from one version to another (from, to)."
    )
    ALIAS_REMOVED = described(kinds.ALIAS_REMOVED, "An alias was removed.")
    PRICE_ADDED = described(kinds.PRICE_ADDED, "A provider priced a model for the first time.")
    PRICE_CHANGED = described(
        kinds.PRICE_CHANGED, "A price changed (old, new and the relative change)."
    )
    PRICE_RETIRED = described(kinds.PRICE_RETIRED, "A price is no longer offered.")
    SCORE_RECORDED = described(kinds.SCORE_RECORDED, "A benchmark score was recorded.")
    NEW_TOP_SCORE = described(
        kinds.NEW_TOP_SCORE, "Rank 1 of a benchmark's public leaderboard changed."
    )
    MODEL_CREATED = described(kinds.MODEL_CREATED, "A model was created.")
    MODEL_UPDATED = described(kinds.MODEL_UPDATED, "A model's fields changed (which ones).")
    MODEL_VISIBILITY_CHANGED = described(
        kinds.MODEL_VISIBILITY_CHANGED, "A model became public or private."
    )


@strawberry.type(description="One event of the catalog's outbox, as a subscriber sees it.")
class CatalogEvent:
    id: str = strawberry.field(
        description="The event's sequence number (increasing; the same in webhook deliveries)."
    )
    kind: EventKind = strawberry.field(description="What happened.")
    occurred_at: datetime = strawberry.field(description="When the change was committed.")
    organization: str | None = strawberry.field(
        description="Slug of the organization the event is about."
    )
    model: str | None = strawberry.field(description="Canonical name (`org/slug`) of the model.")
    is_public: bool = strawberry.field(
        description="False: only the organization's tokens receive it."
    )
    data: JSON = strawberry.field(
        description="The kind's own fields: `version`, `alias`, `from`, `to`, `provider`, "
        "`old`, `new`, `relativeChange`, `benchmark`, `score`, ... (see the README)."
    )

    @classmethod
    def from_event(cls, event: StoredEvent) -> CatalogEvent:
        data = {k: v for k, v in event.payload.items() if k not in ("organization", "model")}
        return cls(
            id=str(event.id),
            kind=EventKind(event.kind),
            occurred_at=event.created_at,
            organization=event.payload.get("organization"),
            model=event.payload.get("model"),
            is_public=event.is_public,
            data=cast(JSON, data),
        )
