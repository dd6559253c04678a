"""Writing events into the outbox, in the caller's transaction, and reading them back."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.base import utcnow
from app.db.event_tables import OutboxEventRow
from app.events.kinds import Event, StoredEvent

# PostgreSQL delivers a NOTIFY only when its transaction commits, so a listener never reads
# an event that could still roll back.
CHANNEL = "catalog_events"
EMITTED = "catalog_events_emitted"  # session.info flag: the runner wakes listeners on commit
_BATCH = 1000


async def emit(session: AsyncSession, events: Sequence[Event]) -> None:
    if not events:
        return
    now = utcnow()
    rows = [
        {
            "kind": e.kind,
            "organization_id": e.organization_id,
            "is_public": e.is_public,
            "model_id": e.model_id,
            "payload": e.payload,
            "created_at": now,
        }
        for e in events
    ]
    for start in range(0, len(rows), _BATCH):
        await session.execute(insert(OutboxEventRow), rows[start : start + _BATCH])
    if not session.info.get(EMITTED) and session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"NOTIFY {CHANNEL}"))
    session.info[EMITTED] = True


def stored(row: OutboxEventRow) -> StoredEvent:
    return StoredEvent(
        id=row.id,
        kind=row.kind,
        organization_id=row.organization_id,
        is_public=row.is_public,
        model_id=row.model_id,
        payload=dict(row.payload or {}),
        created_at=row.created_at,
    )


async def after(session: AsyncSession, floor: int, limit: int) -> list[StoredEvent]:
    stmt = (
        select(OutboxEventRow)
        .where(OutboxEventRow.id > floor)
        .order_by(OutboxEventRow.id)
        .limit(limit)
    )
    return [stored(row) for row in (await session.scalars(stmt)).all()]


async def newest_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(OutboxEventRow.id))) or 0)


async def by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, StoredEvent]:
    stmt = select(OutboxEventRow).where(OutboxEventRow.id.in_(list(ids)))
    return {row.id: stored(row) for row in (await session.scalars(stmt)).all()}
