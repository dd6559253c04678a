"""Helpers for the live catalog's tests: reading the outbox, a hub's subscribers, mutations."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.auth import Viewer
from app.db.event_tables import OutboxEventRow
from app.db.tables import OrganizationRow
from app.events.hub import Hub
from app.events.kinds import StoredEvent
from app.events.matching import Filter
from tests.access_support import Tokens
from tests.conftest import gql

ALIAS = """mutation($org: String!, $name: String!, $alias: String!, $version: String!) {
  setAlias(org: $org, name: $name, alias: $alias, version: $version) { name } }"""
PUBLISH = "mutation($input: PublishVersionInput!) { publishVersion(input: $input) { version } }"
PRICE = "mutation($input: PricingInput!) { setPricing(input: $input) { inputPricePerM } }"
SCORES = "mutation($input: [ScoreInput!]!) { recordScores(input: $input) { score } }"
CREATE = "mutation($input: CreateModelInput!) { createModel(input: $input) { canonicalName } }"


async def outbox_rows(engine: AsyncEngine, after: int = 0) -> list[OutboxEventRow]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(OutboxEventRow).where(OutboxEventRow.id > after).order_by(OutboxEventRow.id)
        )
        return list(rows.all())  # type: ignore[arg-type]


async def newest_event_id(engine: AsyncEngine) -> int:
    rows = await outbox_rows(engine)
    return rows[-1].id if rows else 0


async def org_id(engine: AsyncEngine, slug: str) -> int:
    async with engine.connect() as connection:
        found = await connection.scalar(
            select(OrganizationRow.id).where(OrganizationRow.slug == slug)
        )
        return int(found)


async def ok(client, query: str, variables: dict[str, Any], secret: str) -> dict[str, Any]:
    body = await gql(client, query, variables, Tokens.header(secret))
    assert "errors" not in body, body
    return body


class Collector:
    """A hub subscriber that keeps what it receives."""

    def __init__(self, hub: Hub, viewer: Viewer, wanted: Filter | None = None) -> None:
        self.events: list[StoredEvent] = []
        self._task = asyncio.create_task(self._collect(hub, viewer, wanted or Filter()))

    async def _collect(self, hub: Hub, viewer: Viewer, wanted: Filter) -> None:
        async for event in hub.subscribe(viewer, wanted):
            self.events.append(event)

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def drain(hub: Hub) -> None:
    """Let the hub hand out everything committed so far."""
    while await hub.read_once():
        pass
    await asyncio.sleep(0.05)
