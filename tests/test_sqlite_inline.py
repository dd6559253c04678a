"""SQLite's compiled reads run on the event loop's thread while they stay within their CPU
budget; one that overruns it is interrupted, answered from aiosqlite's thread and sent there
from then on. (No timing here: a budget of zero makes any statement of more than a handful of
SQLite steps overrun, and a function inside the statement says which thread ran it.)"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.util import greenlet_spawn

from app.db.engine import create_engine
from app.db.sqlite_inline import InlineReads

WHO = "SELECT thread_id() || ':' || count(*) FROM models"
LONG = (
    "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100000) "
    "SELECT thread_id() || ':' || max(n) FROM c"
)


@pytest.fixture
async def driver(tmp_path: Path) -> AsyncIterator[Any]:
    """An aiosqlite connection of the engine's pool (SQLite only: the test needs no server)."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    fairy = await engine.raw_connection()
    try:
        connection: Any = fairy.driver_connection
        await connection.create_function("thread_id", 0, threading.get_ident)
        await connection.execute("CREATE TABLE models (id INTEGER PRIMARY KEY)")
        await connection.execute("INSERT INTO models VALUES (1), (2)")
        yield connection
    finally:
        await greenlet_spawn(fairy.close)  # back to the pool, as the app checks in
        await engine.dispose()


async def test_a_short_read_runs_on_the_loop_thread(driver: Any) -> None:
    reads = InlineReads()
    answer = await reads.fetch_first(driver, WHO, ())
    thread, count = (answer or "").split(":")
    assert int(thread) == threading.get_ident()
    assert count == "2"
    assert reads.slow == set()


async def test_an_overrun_moves_to_the_connection_thread_and_stays_there(driver: Any) -> None:
    reads = InlineReads(budget_s=0.0)
    first = await reads.fetch_first(driver, LONG, ())
    thread, top = (first or "").split(":")
    assert int(thread) != threading.get_ident()  # interrupted inline, answered by aiosqlite
    assert top == "100000"  # the whole answer, not the interrupted one
    assert reads.slow == {LONG}
    again = await reads.fetch_first(driver, LONG, ())
    assert again == first


async def test_errors_of_the_statement_itself_are_raised(driver: Any) -> None:
    reads = InlineReads()
    with pytest.raises(sqlite3.OperationalError, match="no such column"):
        await reads.fetch_first(driver, "SELECT no_such_column FROM models", ())
    assert reads.slow == set()
    assert await reads.fetch_first(driver, "SELECT 'still usable'", ()) == "still usable"


async def test_no_row_is_none(driver: Any) -> None:
    assert await InlineReads().fetch_first(driver, "SELECT 'x' WHERE 1 = 0", ()) is None
