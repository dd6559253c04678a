"""A read request runs in one transaction on one connection, and connections are reused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import client_for, gql

# A page of models with the relations that take loaders of their own, and a root field
# besides: several batches and a direct query, all on the request's one transaction.
DASHBOARD = """
{
  models(first: 20) {
    totalCount
    edges { node {
      canonicalName organization { name } license { name } family { name }
      latestVersion { version files { path } }
      topScores(limit: 3) { score benchmark { name } }
      providers { providerName provider { slug } }
      versions(first: 3) { totalCount edges { node { version metrics } } }
    } }
  }
  benchmarks(first: 5) { edges { node { slug } } }
}
"""


class Events:
    def __init__(self) -> None:
        self.transaction_control = 0
        self.new_connections = 0
        self.checkouts = 0


@contextmanager
def watch(engine: AsyncEngine) -> Iterator[Events]:
    """Counts BEGIN/COMMIT/ROLLBACK, new DBAPI connections and pool checkouts."""
    events = Events()

    def control(*_: Any) -> None:
        events.transaction_control += 1

    def connected(*_: Any) -> None:
        events.new_connections += 1

    def checkout(*_: Any) -> None:
        events.checkouts += 1

    listeners = [
        (engine.sync_engine, "begin", control),
        (engine.sync_engine, "commit", control),
        (engine.sync_engine, "rollback", control),
        (engine.sync_engine.pool, "connect", connected),
        (engine.sync_engine.pool, "checkout", checkout),
    ]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        yield events
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)


async def test_a_read_request_sends_at_most_two_transaction_statements(
    seeded_engine: AsyncEngine,
) -> None:
    async with client_for(seeded_engine) as http:
        await gql(http, DASHBOARD)  # warm: the pool's first connection
        with watch(seeded_engine) as events:
            body = await gql(http, DASHBOARD)
    assert "errors" not in body, body["errors"]
    assert body["data"]["models"]["edges"]
    assert events.transaction_control <= 2, events.transaction_control
    assert events.checkouts == 1, f"one connection per request, got {events.checkouts}"


async def test_sequential_requests_open_no_new_connections(seeded_engine: AsyncEngine) -> None:
    async with client_for(seeded_engine) as http:
        await gql(http, DASHBOARD)
        with watch(seeded_engine) as events:
            for _ in range(50):
                body = await gql(http, DASHBOARD)
                assert "errors" not in body
    assert events.new_connections == 0, events.new_connections
    assert events.checkouts == 50
    assert events.transaction_control <= 100
