"""Cross-worker wake-ups: PostgreSQL LISTEN, or Redis pub/sub when REDIS_URL is set.

A wake-up only says "look at the outbox": the events themselves are always read from the
database, so a lost wake-up delays (until the next poll) but never loses an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from redis import asyncio as redis_asyncio
from sqlalchemy.engine import make_url

from app.events.outbox import CHANNEL

logger = logging.getLogger("app.events")
RETRY_SECONDS = 2.0


def asyncpg_dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """Runs in the background and calls `wake` on every notification (reconnecting)."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self.wake = wake
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._forever(), name=type(self).__name__)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _forever(self) -> None:
        while True:
            try:
                await self.listen()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("%s lost its connection; reconnecting", type(self).__name__)
            self.wake()  # something may have been missed while away
            await asyncio.sleep(RETRY_SECONDS)

    async def listen(self) -> None:
        raise NotImplementedError

    def publish(self) -> None:
        """After a local commit: tell the other workers (where the channel needs it)."""


class PostgresListener(Listener):
    def __init__(self, wake: Callable[[], None], database_url: str) -> None:
        super().__init__(wake)
        self.dsn = asyncpg_dsn(database_url)

    async def listen(self) -> None:
        connection = await asyncpg.connect(self.dsn)
        lost = asyncio.Event()
        try:
            connection.add_termination_listener(lambda _: lost.set())
            await connection.add_listener(CHANNEL, lambda *_: self.wake())
            self.wake()
            while not lost.is_set():
                # A cheap liveness check: a dead connection raises here.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), 15)
                if not lost.is_set():
                    await connection.execute("SELECT 1")
        finally:
            with contextlib.suppress(Exception):
                await connection.close(timeout=2)


class RedisListener(Listener):
    def __init__(self, wake: Callable[[], None], redis_url: str) -> None:
        super().__init__(wake)
        self.client: Any = redis_asyncio.from_url(redis_url)
        self._pending: set[asyncio.Task[Any]] = set()

    async def listen(self) -> None:
        pubsub = self.client.pubsub()
        try:
            await pubsub.subscribe(CHANNEL)
            self.wake()
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    self.wake()
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()

    def publish(self) -> None:
        task = asyncio.get_running_loop().create_task(self._publish())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _publish(self) -> None:
        try:
            await self.client.publish(CHANNEL, "1")
        except Exception:
            logger.warning("publishing a wake-up to Redis failed", exc_info=True)

    async def stop(self) -> None:
        await super().stop()
        with contextlib.suppress(Exception):
            await self.client.aclose()
