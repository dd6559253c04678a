"""SQLite reads that run on the event loop's thread while they are short.

aiosqlite runs every call on a thread of its connection: a queue put, a thread wake-up, the
GIL handed over and back (the statement's Python functions, `catalog_cursor` and friends, need
it too) and a wake-up of the loop. On a compiled read of a fraction of a millisecond those
hops cost more than the statement, and under load they queue behind the loop for the GIL
(measured on one core at 8 clients: the model detail serves 15 % more requests inline, p99
78 -> 14 ms). A long statement on the loop would stall every other request, though, and on
a machine with cores to spare the thread runs it beside the loop. So a statement runs inline
under a time budget, which SQLite's progress handler enforces; one that overruns it is
interrupted, run again on the connection's thread (a read: running it again changes
nothing), and sent there from then on. (A read in WAL mode does not wait for writers, so the
busy timeout does not hold the loop.)
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from typing import Any

# A statement that has not finished in this much CPU time moves off the loop.
INLINE_BUDGET_S = 0.002
# SQLite calls the progress handler every this many virtual-machine steps (tens of µs apart).
_STEPS_PER_CHECK = 4000
# Statement texts that overran (compiled statements: a bounded set, but bound it anyway).
_MAX_REMEMBERED = 1024


class InlineReads:
    """Runs read statements on an aiosqlite connection, inline while they stay short."""

    def __init__(self, budget_s: float = INLINE_BUDGET_S) -> None:
        self.budget_s = budget_s
        self.slow: set[str] = set()

    async def fetch_first(self, driver: Any, sql: str, args: Sequence[Any]) -> str | None:
        """The first column of the first row (None where there is no row)."""
        if sql not in self.slow:
            finished, value = self._inline(driver, sql, tuple(args))
            if finished:
                return value
            if len(self.slow) >= _MAX_REMEMBERED:
                self.slow.clear()
            self.slow.add(sql)
        rows = await driver.execute_fetchall(sql, tuple(args))
        return None if not rows else rows[0][0]

    def run(self, driver: Any, sql: str) -> None:
        """A transaction-control statement (BEGIN, ROLLBACK): always short."""
        _sqlite_connection(driver).execute(sql).close()

    def _inline(self, driver: Any, sql: str, args: tuple[Any, ...]) -> tuple[bool, str | None]:
        connection = _sqlite_connection(driver)
        budget = self.budget_s
        # The thread's CPU time, not the wall clock: Python lets go of the GIL while SQLite
        # steps, and the time other threads then take is not this statement's. The clock is
        # first read at the first check, so a statement shorter than one check reads none.
        deadline = -1.0
        overran = False

        def over_budget() -> int:
            nonlocal deadline, overran
            now = time.thread_time()
            if deadline < 0:
                deadline = now + budget
                return 0
            overran = now > deadline
            return 1 if overran else 0  # non-zero interrupts the statement

        connection.set_progress_handler(over_budget, _STEPS_PER_CHECK)
        try:
            cursor = connection.execute(sql, args)
            try:
                row = cursor.fetchone()
            finally:
                cursor.close()
        except sqlite3.OperationalError:
            if not overran:
                raise
            return False, None
        finally:
            connection.set_progress_handler(None, 0)
        return True, None if row is None else row[0]


def _sqlite_connection(driver: Any) -> sqlite3.Connection:
    # aiosqlite keeps its sqlite3 connection as `_conn`; the engine opens it with
    # check_same_thread=False (app.db.engine), and a checked-out connection is used by one
    # request at a time, so its thread and the loop never use it at once.
    connection: sqlite3.Connection = driver._conn
    return connection


inline_reads = InlineReads()
