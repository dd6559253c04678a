"""Webhooks and their delivery log, built from webhook records."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from app.graphql import context
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.scalars import JSON
from app.graphql.types.enums import described
from app.graphql.types.event import EventKind
from app.repositories import keyset
from app.repositories import webhooks as webhooks_repo

MAX_ATTEMPTS_SHOWN = 100


@strawberry.enum(description="Where a delivery stands.")
class DeliveryStatus(Enum):
    PENDING = described("pending", "Not delivered yet: an attempt is due (`nextAttemptAt`).")
    DELIVERED = described("delivered", "The receiver answered 2xx.")
    FAILED = described("failed", "Given up: every attempt of the retry window failed.")


@strawberry.type(description="One attempt to deliver an event to a webhook.")
class WebhookAttempt:
    attempted_at: datetime = strawberry.field(description="When the request was sent.")
    response_code: int | None = strawberry.field(
        description="The receiver's HTTP status; null when no answer came."
    )
    error: str | None = strawberry.field(description="Why the attempt failed, if it did.")
    duration_ms: int = strawberry.field(description="How long the attempt took.")


def _loader(info: Info[Any, Any], key: Hashable, load: Any) -> DataLoader[Any, Any]:
    """A per-request loader (several webhooks or deliveries: one query)."""
    extra, name = context.get(info).extra, f"loader:{key!r}"
    if name not in extra:
        extra[name] = DataLoader(load_fn=load)
    loader: DataLoader[Any, Any] = extra[name]
    return loader


@strawberry.type(description="One event for one webhook: its status and attempts.")
class WebhookDelivery:
    id: strawberry.ID = strawberry.field(description="The delivery's id (`redeliverWebhook`).")
    event_id: str = strawberry.field(description="The event's id (as in `CatalogEvent.id`).")
    event_kind: EventKind = strawberry.field(description="The event's kind.")
    status: DeliveryStatus = strawberry.field(description="Pending, delivered or failed.")
    attempts: int = strawberry.field(description="Attempts made so far.")
    response_code: int | None = strawberry.field(
        description="The receiver's HTTP status at the last attempt."
    )
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it is tried next (null once delivered or failed)."
    )
    created_at: datetime = strawberry.field(description="When the delivery was queued.")
    delivered_at: datetime | None = strawberry.field(description="When the receiver took it.")
    pk: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: webhooks_repo.DeliveryRecord) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(str(record.id)),
            event_id=str(record.event_id),
            event_kind=EventKind(record.event_kind),
            status=DeliveryStatus(record.status),
            attempts=record.attempts,
            response_code=record.response_code,
            last_error=record.last_error,
            next_attempt_at=record.next_attempt_at,
            created_at=record.created_at,
            delivered_at=record.delivered_at,
            pk=record.id,
        )

    @strawberry.field(description="Each attempt, oldest first (the delivery log).")
    async def attempt_log(
        self,
        info: Info,
        first: Annotated[
            int, strawberry.argument(description=f"At most this many (≤ {MAX_ATTEMPTS_SHOWN}).")
        ] = 20,
    ) -> list[WebhookAttempt]:
        limit = max(0, min(first, MAX_ATTEMPTS_SHOWN))
        ctx = context.get(info)

        async def load(ids: list[int]) -> list[list[webhooks_repo.AttemptRecord]]:
            async with ctx.read() as session:
                found = await webhooks_repo.attempts_by_delivery(session, ids, limit)
            return [found[i] for i in ids]

        records = await _loader(info, ("webhook_attempts", limit), load).load(self.pk)
        return [
            WebhookAttempt(attempted_at=r.attempted_at, response_code=r.response_code,
                           error=r.error, duration_ms=r.duration_ms)
            for r in records
        ]  # fmt: skip


@strawberry.type(description="Where an organization's events are POSTed, signed.")
class Webhook:
    id: strawberry.ID = strawberry.field(description="The webhook's id.")
    url: str = strawberry.field(description="The receiver (http or https).")
    events: list[EventKind] = strawberry.field(description="The kinds sent; empty: all.")
    filter: JSON = strawberry.field(
        description="Only events matching: organization, model, alias, provider, benchmark, "
        "minRelativeChange."
    )
    is_active: bool = strawberry.field(description="Inactive webhooks receive nothing.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    pk: strawberry.Private[int]

    @classmethod
    def from_record(cls, record: webhooks_repo.WebhookRecord) -> Webhook:
        return cls(
            id=strawberry.ID(str(record.id)),
            url=record.url,
            events=[EventKind(kind) for kind in record.events],
            filter=cast(JSON, record.filter),
            is_active=record.is_active,
            created_at=record.created_at,
            updated_at=record.updated_at,
            pk=record.id,
        )

    @strawberry.field(description="The delivery log, newest first.")
    async def deliveries(
        self,
        info: Info,
        status: Annotated[
            DeliveryStatus | None, strawberry.argument(description="Only deliveries in it.")
        ] = None,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
        last: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        before: Annotated[str | None, strawberry.argument(description="Cursor.")] = None,
    ) -> Connection[WebhookDelivery]:
        page = page_args(webhooks_repo.DELIVERY_KEYS, first, after, last, before)
        wanted = status.value if status is not None else None
        ctx = context.get(info)

        async def load_pages(ids: list[int]) -> list[keyset.PageResult]:
            async with ctx.read() as session:
                found = await webhooks_repo.delivery_pages(session, ids, wanted, page)
            return [found[i] for i in ids]

        async def load_counts(ids: list[int]) -> list[int]:
            async with ctx.read() as session:
                found = await webhooks_repo.delivery_counts(session, ids, wanted)
            return [found[i] for i in ids]

        result = await _loader(info, ("webhook_deliveries", wanted, page), load_pages).load(self.pk)
        counts = _loader(info, ("webhook_delivery_counts", wanted), load_counts)

        async def count() -> int:
            total: int = await counts.load(self.pk)
            return total

        return build_connection(result, WebhookDelivery.from_record, count)
