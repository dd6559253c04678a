"""The domain events: their kinds and the record a command emits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

VERSION_PUBLISHED = "version.published"
VERSION_STATUS_CHANGED = "version.status_changed"
VERSION_DELETED = "version.deleted"
ALIAS_SET = "alias.set"
ALIAS_MOVED = "alias.moved"
ALIAS_REMOVED = "alias.removed"
PRICE_ADDED = "price.added"
PRICE_CHANGED = "price.changed"
PRICE_RETIRED = "price.retired"
SCORE_RECORDED = "score.recorded"
NEW_TOP_SCORE = "benchmark.new_top_score"
MODEL_CREATED = "model.created"
MODEL_UPDATED = "model.updated"
MODEL_VISIBILITY_CHANGED = "model.visibility_changed"

KINDS = (
    VERSION_PUBLISHED,
    VERSION_STATUS_CHANGED,
    VERSION_DELETED,
    ALIAS_SET,
    ALIAS_MOVED,
    ALIAS_REMOVED,
    PRICE_ADDED,
    PRICE_CHANGED,
    PRICE_RETIRED,
    SCORE_RECORDED,
    NEW_TOP_SCORE,
    MODEL_CREATED,
    MODEL_UPDATED,
    MODEL_VISIBILITY_CHANGED,
)


@dataclass(frozen=True)
class Event:
    """What a command emits. `organization_id` and `is_public` decide who may see it: everyone
    when public, else only the organization (as for the object itself)."""

    kind: str
    organization_id: int | None
    is_public: bool
    model_id: int | None = None
    # organization (slug), model ("org/slug") and the kind's own fields; JSON-safe values.
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredEvent:
    """An event read back from the outbox: its id orders events and names them uniquely."""

    id: int
    kind: str
    organization_id: int | None
    is_public: bool
    model_id: int | None
    payload: dict[str, Any]
    created_at: datetime


def model_event(
    kind: str,
    *,
    organization_id: int,
    organization: str,
    model_slug: str,
    model_id: int,
    is_public: bool,
    **data: Any,
) -> Event:
    payload = {"organization": organization, "model": f"{organization}/{model_slug}", **data}
    return Event(kind, organization_id, is_public, model_id, payload)
