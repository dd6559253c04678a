"""Settings of the live catalog (subscriptions, webhooks), from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _number(name: str, default: float, minimum: float = 0.0) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum:g}, got {raw!r}")
    return value


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class EventSettings:
    # Subscriptions (graphql-transport-ws).
    max_subscriptions_per_connection: int = 20
    idle_timeout_seconds: float = 300.0  # a connection with no subscription and no message
    # How often each worker looks at the outbox without a wake-up (a lost NOTIFY, SQLite
    # written by another process).
    poll_seconds: float = 1.0
    # Webhooks.
    dispatch: bool = True  # this process fans events out to webhooks and delivers them
    allow_private_webhook_urls: bool = False  # loopback / private / link-local targets
    retry_seconds: float = 24 * 3600.0  # how long a failing delivery is retried
    backoff_seconds: float = 10.0  # first retry after about this long, doubling each time
    max_backoff_seconds: float = 3600.0
    delivery_timeout_seconds: float = 10.0
    # A claimed attempt that did not finish (its worker died) is retried after this long.
    lease_seconds: float = 60.0

    @classmethod
    def from_env(cls) -> EventSettings:
        return cls(
            max_subscriptions_per_connection=int(
                _number("CATALOG_MAX_SUBSCRIPTIONS_PER_CONNECTION", 20, 1)
            ),
            idle_timeout_seconds=_number("CATALOG_SUBSCRIPTION_IDLE_SECONDS", 300.0, 1),
            poll_seconds=_number("CATALOG_EVENTS_POLL_SECONDS", 1.0, 0.05),
            dispatch=_flag("CATALOG_WEBHOOKS_DISPATCH", True),
            allow_private_webhook_urls=_flag("CATALOG_WEBHOOKS_ALLOW_PRIVATE", False),
            retry_seconds=_number("CATALOG_WEBHOOK_RETRY_SECONDS", 24 * 3600.0),
            backoff_seconds=_number("CATALOG_WEBHOOK_BACKOFF_SECONDS", 10.0, 0.01),
            max_backoff_seconds=_number("CATALOG_WEBHOOK_MAX_BACKOFF_SECONDS", 3600.0, 0.01),
            delivery_timeout_seconds=_number("CATALOG_WEBHOOK_TIMEOUT_SECONDS", 10.0, 0.1),
            lease_seconds=_number("CATALOG_WEBHOOK_LEASE_SECONDS", 60.0, 0.1),
        )
