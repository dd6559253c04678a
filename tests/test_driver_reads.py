"""The compiled path's driver reads: one statement alone, several in one transaction, the
pool's connections reused, and a lost connection never handed out again."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.driver_reads import fetch_texts
from app.db.engine import create_engine
from tests.conftest import count_statements
from tests.databases import DatabaseFactory

ONE = "SELECT 'one'"


async def test_answers_and_statement_listeners(seeded_engine: AsyncEngine) -> None:
    with count_statements(seeded_engine) as counter:
        assert await fetch_texts(seeded_engine, [(ONE, ())]) == ["one"]
        several = [(ONE, ()), ("SELECT 'two'", ()), ("SELECT 'x' WHERE 1 = 0", ())]
        assert await fetch_texts(seeded_engine, several) == ["one", "two", None]
    # The engine's listeners saw every data statement (metrics, counts), not BEGIN/ROLLBACK.
    assert counter.count == 4, counter.statements


async def test_connections_are_reused(seeded_engine: AsyncEngine) -> None:
    pool = seeded_engine.sync_engine.pool
    await fetch_texts(seeded_engine, [(ONE, ())])
    before = pool.checkedin(), pool.checkedout()  # type: ignore[attr-defined]
    for _ in range(50):
        await fetch_texts(seeded_engine, [(ONE, ()), (ONE, ())])
    assert (pool.checkedin(), pool.checkedout()) == before  # type: ignore[attr-defined]


async def test_a_server_error_keeps_the_connection(seeded_engine: AsyncEngine) -> None:
    with pytest.raises(Exception):  # noqa: B017 - the driver's own error type
        await fetch_texts(seeded_engine, [("SELECT no_such_column FROM models", ())])
    assert await fetch_texts(seeded_engine, [(ONE, ())]) == ["one"]


async def test_a_lost_connection_is_not_pooled(
    databases: DatabaseFactory, migrated_template: str
) -> None:
    if databases.backend != "postgresql":
        pytest.skip("a connection is lost by terminating its PostgreSQL backend")
    url = await databases.copy(migrated_template, "lost")
    engine, admin = create_engine(url), create_engine(url)
    pid_sql = "SELECT pg_backend_pid()::text"
    try:
        (pid,) = await fetch_texts(engine, [(pid_sql, ())])
        async with admin.connect() as other:  # another engine: not the pooled connection
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": int(pid or 0)})
        with pytest.raises(Exception):  # noqa: B017 - the driver's connection error
            await fetch_texts(engine, [(pid_sql, ())])
        (again,) = await fetch_texts(engine, [(pid_sql, ())])
        assert again not in (None, pid)  # a new connection, not the dead one
    finally:
        await engine.dispose()
        await admin.dispose()
