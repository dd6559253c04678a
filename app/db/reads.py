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

    @asynccontextmanager
    async def use(self) -> AsyncIterator[AsyncSession]:
        """The request's session, for one batch or one direct query at a time."""
        async with self._lock:
            if self._session is None:
                self._session = self._sessions()
            yield self._session

    async def close(self) -> None:
        """End the transaction and return the connection to the pool, once the batch that
        holds the session (if any) is done: when a field fails, graphql-core answers without
        waiting for its siblings, whose statement may still be running on the connection."""
        async with self._lock:
            session, self._session = self._session, None
            if session is not None:
                await session.close()
