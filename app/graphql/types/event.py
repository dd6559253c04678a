"""Domain events as subscribers receive them (`Subscription`), built from outbox records."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast

import strawberry

from app.events import kinds
from app.events.kinds import StoredEvent
from app.graphql.scalars import JSON


@strawberry.enum(description="What happened in the catalog.")
class EventKind(Enum):
    VERSION_PUBLISHED = kinds.VERSION_PUBLISHED
    VERSION_STATUS_CHANGED = kinds.VERSION_STATUS_CHANGED
    VERSION_DELETED = kinds.VERSION_DELETED
    ALIAS_SET = kinds.ALIAS_SET
    ALIAS_MOVED = kinds.ALIAS_MOVED
    ALIAS_REMOVED = kinds.ALIAS_REMOVED
    PRICE_ADDED = kinds.PRICE_ADDED
    PRICE_CHANGED = kinds.PRICE_CHANGED
    PRICE_RETIRED = kinds.PRICE_RETIRED
    SCORE_RECORDED = kinds.SCORE_RECORDED
    NEW_TOP_SCORE = kinds.NEW_TOP_SCORE
    MODEL_CREATED = kinds.MODEL_CREATED
    MODEL_UPDATED = kinds.MODEL_UPDATED
    MODEL_VISIBILITY_CHANGED = kinds.MODEL_VISIBILITY_CHANGED


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
