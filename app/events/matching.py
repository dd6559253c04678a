"""Who receives an event, pure: visibility, subscription filters, webhook filters."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from app.auth import Viewer
from app.events import kinds
from app.events.kinds import StoredEvent

Matcher = Callable[[StoredEvent], bool]


def visible(event: StoredEvent, viewer: Viewer) -> bool:
    """The rule of every read: public, or the viewer's own organization's."""
    if event.is_public:
        return True
    return viewer.organization_id is not None and viewer.organization_id == event.organization_id


def visible_to_organization(event: StoredEvent, organization_id: int) -> bool:
    return event.is_public or event.organization_id == organization_id


@dataclass(frozen=True)
class Filter:
    """What a subscriber or a webhook asks for; None fields match everything."""

    kinds: frozenset[str] | None = None
    organization: str | None = None  # slug
    model: str | None = None  # "org/slug"
    alias: str | None = None
    provider: str | None = None  # slug
    benchmark: str | None = None  # slug
    min_relative_change: float | None = None

    def __call__(self, event: StoredEvent) -> bool:
        p = event.payload
        if self.kinds is not None and event.kind not in self.kinds:
            return False
        checks: tuple[tuple[str | None, str], ...] = (
            (self.organization, "organization"),
            (self.model, "model"),
            (self.alias, "alias"),
            (self.provider, "provider"),
            (self.benchmark, "benchmark"),
        )
        if any(wanted is not None and p.get(key) != wanted for wanted, key in checks):
            return False
        return self.min_relative_change is None or _moved_enough(p, self.min_relative_change)


def _moved_enough(payload: dict[str, Any], minimum: float) -> bool:
    if "relativeChange" not in payload:
        return True  # an added or retired price has no relative change: it is all change
    change = payload["relativeChange"]
    # None: a price moved from nothing or from 0, an unbounded change.
    return change is None or change >= minimum


# Webhook filter keys (camelCase, as clients send them) -> Filter fields.
FILTER_KEYS = {
    "organization": "organization",
    "model": "model",
    "alias": "alias",
    "provider": "provider",
    "benchmark": "benchmark",
    "minRelativeChange": "min_relative_change",
}


def filter_problems(given: Any) -> list[str]:
    """Why a webhook's `filter` JSON is refused (empty: accepted)."""
    if not isinstance(given, dict):
        return ["must be an object"]
    problems = [f"unknown key {k!r} (known: {', '.join(FILTER_KEYS)})"
                for k in given if k not in FILTER_KEYS]  # fmt: skip
    for key, value in given.items():
        if key == "minRelativeChange":
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                problems.append("minRelativeChange must be a number ≥ 0")
        elif key in FILTER_KEYS and not isinstance(value, str):
            problems.append(f"{key} must be a string")
    return problems


def webhook_filter(events: Collection[str], given: dict[str, Any]) -> Filter:
    values = {FILTER_KEYS[k]: v for k, v in given.items() if k in FILTER_KEYS}
    return Filter(kinds=frozenset(events) if events else None, **values)


def unknown_kinds(events: Collection[str]) -> list[str]:
    return [e for e in events if e not in kinds.KINDS]
