"""Webhooks of an organization: its writers and admins create, change and delete them, and
ask for a delivery again."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands.access import require_role
from app.commands.inputs import UNSET, DeliveryRef, NewWebhook, WebhookChange, WebhookRef
from app.db.base import utcnow
from app.db.event_tables import WebhookRow
from app.errors import NotFound
from app.events import kinds, matching, urls
from app.repositories import audit
from app.repositories import webhooks as webhooks_repo
from app.services.validation import Checker

MIN_SECRET, MAX_SECRET = 16, 200


def _check(
    check: Checker, *, url: Any, events: Any, filter: Any, secret: Any, allow_private: bool
) -> None:
    if url is not UNSET:
        problem = urls.url_problem(url or "", allow_private)
        if problem is not None:
            check.add(("input", "url"), problem, "value_error.url")
    if events not in (UNSET, None):
        for index, kind in enumerate(events):
            if kind not in kinds.KINDS:
                check.add(("input", "events", index), f"unknown event kind {kind!r}")
        check.unique(("input", "events"), list(events), "event kind")
    if filter not in (UNSET, None):
        for problem in matching.filter_problems(filter):
            check.add(("input", "filter"), problem)
    if secret is not UNSET and not MIN_SECRET <= len(secret or "") <= MAX_SECRET:
        check.add(("input", "secret"), f"must be {MIN_SECRET} to {MAX_SECRET} characters",
                  "value_error.length")  # fmt: skip


def _audit(session: AsyncSession, viewer: Viewer, action: str, row: WebhookRow) -> None:
    audit.record(session, viewer, organization_id=row.organization_id, action=action,
                 target_type="Webhook", target_id=row.id, details={"url": row.url})  # fmt: skip


async def _own(session: AsyncSession, viewer: Viewer, webhook_id: int) -> WebhookRow:
    require_role(viewer)
    assert viewer.organization_id is not None
    row = await webhooks_repo.row_of(session, viewer.organization_id, webhook_id)
    if row is None:
        raise NotFound(f"Webhook '{webhook_id}' not found")
    return row


async def create_webhook(session: AsyncSession, viewer: Viewer, data: NewWebhook) -> int:
    require_role(viewer)
    assert viewer.organization_id is not None
    check = Checker()
    _check(check, url=data.url, events=data.events, filter=data.filter, secret=data.secret,
           allow_private=data.allow_private_urls)  # fmt: skip
    check.raise_if_any("Invalid webhook")
    row = WebhookRow(
        organization_id=viewer.organization_id,
        url=data.url,
        events=list(data.events),
        filter=dict(data.filter or {}),
        secret=data.secret,
        is_active=True,
    )
    session.add(row)
    await session.flush()
    _audit(session, viewer, "create_webhook", row)
    return row.id


async def update_webhook(session: AsyncSession, viewer: Viewer, data: WebhookChange) -> int:
    row = await _own(session, viewer, data.id)
    check = Checker()
    _check(check, url=data.url, events=data.events, filter=data.filter, secret=data.secret,
           allow_private=data.allow_private_urls)  # fmt: skip
    if data.is_active is None:
        check.add(("input", "isActive"), "must be true or false", "type_error.none")
    check.raise_if_any("Invalid webhook")
    given = {"url": data.url, "secret": data.secret, "is_active": data.is_active,
             "events": data.events, "filter": data.filter}  # fmt: skip
    for name, value in given.items():
        if value is UNSET:
            continue
        if name == "events":
            value = list(value or [])
        elif name == "filter":
            value = dict(value or {})
        setattr(row, name, value)
    row.updated_at = utcnow()
    _audit(session, viewer, "update_webhook", row)
    return row.id


async def delete_webhook(session: AsyncSession, viewer: Viewer, data: WebhookRef) -> int:
    row = await _own(session, viewer, data.id)
    _audit(session, viewer, "delete_webhook", row)
    await session.delete(row)
    return data.id


async def redeliver_webhook(session: AsyncSession, viewer: Viewer, data: DeliveryRef) -> int:
    """Deliver an event again: the delivery is pending and due now (its log is kept)."""
    require_role(viewer)
    assert viewer.organization_id is not None
    delivery = await webhooks_repo.delivery_row(session, viewer.organization_id, data.id)
    if delivery is None:
        raise NotFound(f"Webhook delivery '{data.id}' not found")
    delivery.status = "pending"
    delivery.next_attempt_at = utcnow()
    delivery.created_at = utcnow()  # the retry window starts again
    audit.record(session, viewer, organization_id=viewer.organization_id,
                 action="redeliver_webhook", target_type="WebhookDelivery",
                 target_id=delivery.id, details={"event": delivery.event_id})  # fmt: skip
    return delivery.id
