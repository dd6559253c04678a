"""Reads and writes of webhooks and their delivery log (records, never rows, leave here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.event_tables import (
    OutboxEventRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookRow,
)
from app.repositories import keyset

WEBHOOK_KEYS = [keyset.SortKey(WebhookRow.id, True, "int")]
DELIVERY_KEYS = [keyset.SortKey(WebhookDeliveryRow.id, True, "int")]


@dataclass(frozen=True)
class WebhookRecord:
    id: int
    organization_id: int
    url: str
    events: list[str]
    filter: dict[str, Any]
    is_active: bool
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DeliveryRecord:
    id: int
    webhook_id: int
    event_id: int
    event_kind: str
    status: str
    attempts: int
    response_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True)
class AttemptRecord:
    id: int
    delivery_id: int
    attempted_at: datetime
    response_code: int | None
    error: str | None
    duration_ms: int


def webhook_record(row: Any) -> WebhookRecord:
    hook: WebhookRow = row[0] if isinstance(row, tuple) or hasattr(row, "_mapping") else row
    return WebhookRecord(
        id=hook.id,
        organization_id=hook.organization_id,
        url=hook.url,
        events=list(hook.events or []),
        filter=dict(hook.filter or {}),
        is_active=hook.is_active,
        created_at=hook.created_at,
        updated_at=hook.updated_at,
    )


def _delivery_record(row: Any) -> DeliveryRecord:
    d: WebhookDeliveryRow = row[0]
    return DeliveryRecord(
        id=d.id,
        webhook_id=d.webhook_id,
        event_id=d.event_id,
        event_kind=row.event_kind,
        status=d.status,
        attempts=d.attempts,
        response_code=d.response_code,
        last_error=d.last_error,
        next_attempt_at=d.next_attempt_at,
        created_at=d.created_at,
        delivered_at=d.delivered_at,
    )


async def row_of(session: AsyncSession, organization_id: int, webhook_id: int) -> WebhookRow | None:
    """The organization's webhook (another organization's is not found)."""
    stmt = select(WebhookRow).where(
        WebhookRow.id == webhook_id, WebhookRow.organization_id == organization_id
    )
    return (await session.scalars(stmt)).first()


async def delivery_row(
    session: AsyncSession, organization_id: int, delivery_id: int
) -> WebhookDeliveryRow | None:
    stmt = (
        select(WebhookDeliveryRow)
        .join(WebhookRow, WebhookRow.id == WebhookDeliveryRow.webhook_id)
        .where(WebhookDeliveryRow.id == delivery_id, WebhookRow.organization_id == organization_id)
    )
    return (await session.scalars(stmt)).first()


async def page(session: AsyncSession, organization_id: int, pg: keyset.Page) -> keyset.PageResult:
    stmt = select(WebhookRow).where(WebhookRow.organization_id == organization_id)
    result = await keyset.fetch_page(session, stmt, WEBHOOK_KEYS, pg)
    result.rows = [webhook_record(row) for row in result.rows]
    return result


async def count(session: AsyncSession, organization_id: int) -> int:
    stmt = select(func.count()).where(WebhookRow.organization_id == organization_id)
    return int((await session.scalar(stmt)) or 0)


def _deliveries(status: str | None) -> Any:
    stmt = select(WebhookDeliveryRow, OutboxEventRow.kind.label("event_kind")).join(
        OutboxEventRow, OutboxEventRow.id == WebhookDeliveryRow.event_id
    )
    return stmt if status is None else stmt.where(WebhookDeliveryRow.status == status)


async def delivery_pages(
    session: AsyncSession, webhook_ids: Sequence[int], status: str | None, pg: keyset.Page
) -> dict[int, keyset.PageResult]:
    """The same page of the delivery log of each webhook, newest first, in one query."""
    found = await keyset.fetch_partitioned_pages(
        session, _deliveries(status), WebhookDeliveryRow, DELIVERY_KEYS, pg,
        WebhookDeliveryRow.webhook_id, webhook_ids,
    )  # fmt: skip
    for result in found.values():
        result.rows = [_delivery_record(row) for row in result.rows]
    return found


async def delivery_counts(
    session: AsyncSession, webhook_ids: Sequence[int], status: str | None
) -> dict[int, int]:
    stmt = select(WebhookDeliveryRow.webhook_id, func.count()).where(
        WebhookDeliveryRow.webhook_id.in_(webhook_ids)
    )
    if status is not None:
        stmt = stmt.where(WebhookDeliveryRow.status == status)
    found = dict((await session.execute(stmt.group_by(WebhookDeliveryRow.webhook_id))).all())
    return {wid: int(found.get(wid, 0)) for wid in webhook_ids}


async def delivery_by_id(session: AsyncSession, delivery_id: int) -> DeliveryRecord | None:
    stmt = _deliveries(None).where(WebhookDeliveryRow.id == delivery_id)
    row = (await session.execute(stmt)).first()
    return _delivery_record(row) if row is not None else None


async def attempts_by_delivery(
    session: AsyncSession, delivery_ids: Sequence[int], limit: int
) -> dict[int, list[AttemptRecord]]:
    """The first `limit` attempts of each delivery, oldest first, in one query."""
    position = func.row_number().over(
        partition_by=WebhookAttemptRow.delivery_id, order_by=WebhookAttemptRow.id
    )
    inner = (
        select(WebhookAttemptRow, position.label("position"))
        .where(WebhookAttemptRow.delivery_id.in_(delivery_ids))
        .subquery()
    )
    stmt = select(inner).where(inner.c.position <= limit).order_by(inner.c.delivery_id, inner.c.id)
    found: dict[int, list[AttemptRecord]] = {d: [] for d in delivery_ids}
    for row in (await session.execute(stmt)).all():
        found[row.delivery_id].append(
            AttemptRecord(row.id, row.delivery_id, row.attempted_at, row.response_code,
                          row.error, row.duration_ms)
        )  # fmt: skip
    return found
