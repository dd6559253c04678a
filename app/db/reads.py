"""One read session per request: one connection, one read-only transaction, one user at a time.

A request's loaders and resolvers all read through its `ReadScope`. The session is opened on
first use (a request that reads nothing checks out nothing) and closed when the request ends,
so a request sends one `BEGIN` and one `ROLLBACK` whatever its shape. An `AsyncSession` must
never be used by two coroutines at once: `use()` hands it out one holder at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class ReadScope:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None
        self._lock = asyncio.Lock()
        self._closed = False

    @asynccontextmanager
    async def use(self) -> AsyncIterator[AsyncSession]:
        """The request's session, for one batch or one direct query at a time."""
        async with self._lock:
            if self._closed:
                # A late reader: graphql-core does not cancel sibling fields when a non-null
                # error ends the response, so one may still read after `close`. It gets a
                # session of its own, closed when it is done (never a connection left out).
                async with self._sessions() as session:
                    yield session
                return
            if self._session is None:
                self._session = self._sessions()
            yield self._session

    async def close(self) -> None:
        """End the transaction and return the connection to the pool (after the current
        holder is done: a session is never used by two coroutines at once)."""
        async with self._lock:
            self._closed = True
            session, self._session = self._session, None
            if session is not None:
                await session.close()
