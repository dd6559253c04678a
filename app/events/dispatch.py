"""Webhooks, from the outbox: fan events out to deliveries, deliver them, retry with backoff.

Both steps read and write only the database, so any worker may run them, several at once
(PostgreSQL: rows are claimed with FOR UPDATE SKIP LOCKED), and a worker that dies loses
nothing: an event not yet fanned out still has `dispatched_at` empty, and an attempt that did
not finish holds a lease (`next_attempt_at`) after which another worker tries again. A receiver
may therefore see an event twice (after a crash mid-attempt): the `X-Catalog-Delivery` header
names the delivery, for deduplication.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.db.base import utcnow
from app.db.event_tables import (
    OutboxEventRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookRow,
)
from app.events import backoff, outbox, signing, urls
from app.events.kinds import StoredEvent
from app.events.matching import visible_to_organization, webhook_filter
from app.events.settings import EventSettings

logger = logging.getLogger("app.events")

FAN_OUT_BATCH = 500
DELIVERY_BATCH = 20
USER_AGENT = "model-catalog-webhooks/1"


def body_of(event: StoredEvent, webhook_id: int, delivery_id: int) -> bytes:
    """What a receiver gets: the event as subscribers see it, and which delivery this is."""
    data = {k: v for k, v in event.payload.items() if k not in ("organization", "model")}
    document = {
        "id": str(event.id),
        "kind": event.kind,
        "occurredAt": event.created_at.isoformat(),
        "organization": event.payload.get("organization"),
        "model": event.payload.get("model"),
        "isPublic": event.is_public,
        "data": data,
        "webhookId": str(webhook_id),
        "deliveryId": str(delivery_id),
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def _locked(stmt: Any, session: AsyncSession) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt  # SQLite: one writer at a time (BEGIN IMMEDIATE) is the lock


class Dispatcher:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: EventSettings,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.transport = transport
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="webhook-dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        async with httpx.AsyncClient(
            transport=self.transport,
            timeout=self.settings.delivery_timeout_seconds,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        ) as client:
            while True:
                try:
                    while await self.fan_out_once():
                        pass
                    while await self.deliver_due_once(client):
                        pass
                    wait = await self._seconds_until_due()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    logger.warning("webhook dispatch failed; retrying", exc_info=True)
                    wait = self.settings.poll_seconds
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                self._wake.clear()

    async def _seconds_until_due(self) -> float:
        async with self.sessions() as session:
            due = await session.scalar(
                select(func.min(WebhookDeliveryRow.next_attempt_at)).where(
                    WebhookDeliveryRow.status == "pending"
                )
            )
        poll = self.settings.poll_seconds
        if due is None:
            return poll
        return max(0.01, min(poll, (due - utcnow()).total_seconds()))

    async def fan_out_once(self) -> int:
        """One batch of new events into deliveries; returns the number of events handled.

        Set-based: the batch is marked dispatched by one UPDATE and its deliveries inserted in
        one batch, and with no active webhook the events are not even read (an import's
        thousands of events cost a statement per batch, not one per event)."""
        async with self.sessions() as session, session.begin():
            hooks = (await session.scalars(select(WebhookRow).where(WebhookRow.is_active))).all()
            # The full rows only where a webhook may want them: matching reads their payloads.
            wanted = select(OutboxEventRow) if hooks else select(OutboxEventRow.id)
            pending = (
                wanted.where(OutboxEventRow.dispatched_at.is_(None))
                .order_by(OutboxEventRow.id)
                .limit(FAN_OUT_BATCH)
            )
            found = list((await session.scalars(_locked(pending, session))).all())
            rows: list[OutboxEventRow] = found if hooks else []
            ids: list[int] = [row.id for row in rows] if hooks else found
            if not ids:
                return 0
            now = utcnow()
            deliveries = [
                {"webhook_id": hook.id, "event_id": row.id, "status": "pending",
                 "attempts": 0, "next_attempt_at": now}
                for row, event in ((row, outbox.stored(row)) for row in rows)
                for hook in hooks
                # a webhook receives what happens after its creation
                if hook.created_at <= row.created_at
                and visible_to_organization(event, hook.organization_id)
                and webhook_filter(hook.events or [], hook.filter or {})(event)
            ]  # fmt: skip
            if deliveries:
                await session.execute(insert(WebhookDeliveryRow), deliveries)
            await session.execute(
                update(OutboxEventRow)
                .where(OutboxEventRow.id.in_(ids))
                .values(dispatched_at=now)
                .execution_options(synchronize_session=False)
            )
        return len(ids)

    async def deliver_due_once(self, client: httpx.AsyncClient) -> int:
        """Claim due deliveries (a lease), attempt them, record the outcomes."""
        now = utcnow()
        lease = now + timedelta(seconds=self.settings.lease_seconds)
        async with self.sessions() as session, session.begin():
            stmt = (
                select(WebhookDeliveryRow)
                .where(WebhookDeliveryRow.status == "pending",
                       WebhookDeliveryRow.next_attempt_at <= now)
                .order_by(WebhookDeliveryRow.next_attempt_at, WebhookDeliveryRow.id)
                .limit(DELIVERY_BATCH)
            )  # fmt: skip
            claimed = list((await session.scalars(_locked(stmt, session))).all())
            for delivery in claimed:
                delivery.next_attempt_at = lease
            jobs = [(d.id, d.webhook_id, d.event_id, d.attempts, d.created_at) for d in claimed]
            hooks = await _by_id(session, WebhookRow, [j[1] for j in jobs])
            events = await outbox.by_ids(session, [j[2] for j in jobs])
        if not jobs:
            return 0
        outcomes = await asyncio.gather(
            *(self._attempt(client, hooks.get(j[1]), events.get(j[2]), j[0]) for j in jobs)
        )
        async with self.sessions() as session, session.begin():
            for (delivery_id, _, _, attempts, created_at), outcome in zip(
                jobs, outcomes, strict=True
            ):
                await self._record(session, delivery_id, attempts + 1, created_at, *outcome)
        return len(jobs)

    async def _attempt(
        self,
        client: httpx.AsyncClient,
        hook: WebhookRow | None,
        event: StoredEvent | None,
        delivery_id: int,
    ) -> tuple[int | None, str | None, int]:
        """(response code, error, milliseconds) of one POST."""
        started = time.monotonic()
        if hook is None or event is None:
            return None, "the webhook or its event no longer exists", 0
        problem = await urls.resolved_problem(hook.url, self.settings.allow_private_webhook_urls)
        if problem is not None:
            return None, f"refused: the URL {problem}", 0
        body = body_of(event, hook.id, delivery_id)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            signing.SIGNATURE_HEADER: signing.signature_header(hook.secret, timestamp, body),
            "X-Catalog-Timestamp": str(timestamp),
            "X-Catalog-Event": event.kind,
            "X-Catalog-Event-Id": str(event.id),
            "X-Catalog-Delivery": str(delivery_id),
        }
        try:
            response = await client.post(hook.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            elapsed = int((time.monotonic() - started) * 1000)
            return None, f"{type(exc).__name__}: could not deliver", elapsed
        elapsed = int((time.monotonic() - started) * 1000)
        return response.status_code, None, elapsed

    async def _record(
        self,
        session: AsyncSession,
        delivery_id: int,
        attempts: int,
        created_at: datetime,
        code: int | None,
        error: str | None,
        elapsed_ms: int,
    ) -> None:
        delivery = await session.get(WebhookDeliveryRow, delivery_id)
        if delivery is None:
            return
        now = utcnow()
        session.add(
            WebhookAttemptRow(
                delivery_id=delivery_id,
                attempted_at=now,
                response_code=code,
                error=error,
                duration_ms=elapsed_ms,
            )
        )
        delivery.attempts = attempts
        delivery.response_code = code
        ok = code is not None and 200 <= code < 300
        delivery.last_error = None if ok else (error or f"the receiver answered {code}")[:500]
        if ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                "delivered",
                now,
                None,
            )
            return
        s = self.settings
        delay = backoff.next_delay(attempts, s.backoff_seconds, s.max_backoff_seconds)
        age = (now - created_at).total_seconds()
        if backoff.gives_up(age, delay, s.retry_seconds):
            delivery.status, delivery.next_attempt_at = "failed", None
        else:
            delivery.next_attempt_at = now + timedelta(seconds=delay)


async def _by_id(session: AsyncSession, table: Any, ids: Sequence[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = (await session.scalars(select(table).where(table.id.in_(sorted(set(ids)))))).all()
    return {row.id: row for row in rows}
