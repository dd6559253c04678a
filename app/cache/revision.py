"""The catalog revision as this worker knows it, checked on every cache hit.

`current()` must be nearly free (it runs on every hit) and never too new:

- SQLite (`SqliteRevision`): a plain `sqlite3` connection of its own, in autocommit, asks
  `PRAGMA data_version` on every call (it changes when any other connection, of any process,
  has committed since the last call) and reads the one-row `catalog_revision` table when it
  did. Every call sees every transaction committed before it, by any process (WAL readers never
  wait for writers).
- PostgreSQL (`PostgresRevision`): a connection of its own LISTENs on `catalog_revision`; the
  commit trigger NOTIFYs the new value, which PostgreSQL delivers only once the transaction has
  committed. `current()` is the highest value received (a read of a Python int); `refresh()`
  reads the table (this worker calls it after each of its own writes, before answering) and
  waits, briefly, for that commit's notification to reach this worker too. While
  the listening connection is down, `current()` is None: nothing is served from the cache or
  stored until it is back and the table has been read again.

None means "unknown": the caller must not serve or store.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from app.db.revision_triggers import CHANNEL, REVISION_TABLE

logger = logging.getLogger("app.cache")

READ = f"SELECT value FROM {REVISION_TABLE} WHERE id = 1"
RECONNECT_SECONDS = 1.0
# After its own write, a worker waits (at most this long) for the commit's notification to
# reach its listener: PostgreSQL signals every listener at that commit, so by then the other
# workers' notifications are on their way too.
OWN_NOTIFICATION_WAIT_SECONDS = 0.1


class RevisionSource(Protocol):
    async def start(self) -> None: ...

    def current(self) -> int | None: ...

    async def refresh(self) -> int | None: ...

    async def aclose(self) -> None: ...


class SqliteRevision:
    def __init__(self, path: str) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None
        self._data_version: int | None = None
        self._value: int | None = None

    async def start(self) -> None:
        if self._connection is None:
            self._connection = sqlite3.connect(
                self.path, timeout=0.05, isolation_level=None, check_same_thread=False
            )

    def current(self) -> int | None:
        if self._connection is None:
            return None
        try:
            version = self._connection.execute("PRAGMA data_version").fetchone()[0]
            if version != self._data_version or self._value is None:
                row = self._connection.execute(READ).fetchone()
                self._value = int(row[0]) if row else None
                self._data_version = version
        except sqlite3.Error:
            # Not migrated, or locked beyond the timeout: do not use the cache this time.
            self._value = self._data_version = None
        return self._value

    async def refresh(self) -> int | None:
        return self.current()

    async def aclose(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class PostgresRevision:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._value: int | None = None
        self._connection: Any = None
        self._lock = asyncio.Lock()
        self._reconnect: asyncio.Task[None] | None = None
        self._closed = False
        self._notified_value = 0
        self._arrived = asyncio.Event()

    async def start(self) -> None:
        async with self._lock:
            if self._connection is None and not self._closed:
                await self._connect()

    async def _connect(self) -> None:
        try:
            connection = await asyncpg.connect(self.dsn, timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            logger.warning("response cache: revision listener cannot connect (%s)", type(error))
            self._schedule_reconnect()
            return
        try:
            # LISTEN before reading: a commit between the two is then not missed.
            await connection.add_listener(CHANNEL, self._notified)
            value = await connection.fetchval(READ)
        except (OSError, asyncpg.PostgresError) as error:
            logger.warning("response cache: revision unavailable (%s)", type(error).__name__)
            await connection.close()
            self._schedule_reconnect()
            return
        connection.add_termination_listener(self._terminated)
        self._connection = connection
        self._value = int(value)
        self._notified_value = max(self._notified_value, int(value))

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            value = int(payload)
        except ValueError:
            return
        self._notified_value = max(self._notified_value, value)
        self._arrived.set()
        if self._value is not None and value > self._value:
            self._value = value

    def _terminated(self, _connection: Any) -> None:
        # Notifications may be lost from now on: the revision is unknown until reconnected.
        self._value = None
        self._connection = None
        if not self._closed:
            logger.warning("response cache: revision listener lost; cache bypassed until back")
            self._schedule_reconnect()

    def _schedule_reconnect(self) -> None:
        if self._closed or (self._reconnect is not None and not self._reconnect.done()):
            return
        self._reconnect = asyncio.get_running_loop().create_task(self._reconnect_later())

    async def _reconnect_later(self) -> None:
        await asyncio.sleep(RECONNECT_SECONDS)
        await self.start()

    def current(self) -> int | None:
        return self._value

    async def refresh(self) -> int | None:
        async with self._lock:
            connection = self._connection
            if connection is None:
                return None
            try:
                value = int(await connection.fetchval(READ))
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                return None
        if self._value is not None and value > self._value:
            # A commit this worker has not been notified of yet (its own write, just now).
            await self._await_notification(value)
            if self._value is not None:  # the listener may have been lost meanwhile
                self._value = max(self._value, value)
        return self._value

    async def _await_notification(self, value: int) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + OWN_NOTIFICATION_WAIT_SECONDS
        while self._notified_value < value and self._connection is not None:
            self._arrived.clear()
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return

    async def aclose(self) -> None:
        self._closed = True
        if self._reconnect is not None:
            self._reconnect.cancel()
        connection, self._connection = self._connection, None
        self._value = None
        if connection is not None:
            await connection.close()


def revision_source_for(database_url: str) -> RevisionSource | None:
    """The source for this database; None where there is none (an in-memory SQLite)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return SqliteRevision(url.database)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return PostgresRevision(dsn)
