"""The live catalog of one worker: its hub, its cross-worker wake-ups and its dispatcher.

Started and stopped by the app's lifespan. A hub also starts on its first subscriber (apps
served without a lifespan, as in some tests).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_sessionmaker, create_write_sessionmaker
from app.events import signal
from app.events.dispatch import Dispatcher
from app.events.hub import Hub
from app.events.wakeups import Listener, PostgresListener, RedisListener
from app.settings import Settings


class LiveCatalog:
    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self.settings = settings
        self.hub = Hub(create_sessionmaker(engine), settings.events.poll_seconds)
        self.dispatcher = Dispatcher(create_write_sessionmaker(engine), settings.events)
        self.listener: Listener | None = None
        if settings.redis_url:
            self.listener = RedisListener(self.wake, settings.redis_url)
        elif engine.dialect.name == "postgresql":
            self.listener = PostgresListener(
                self.wake, engine.url.render_as_string(hide_password=False)
            )
        self._unsubscribe: Callable[[], None] | None = None
        self.started = False

    def wake(self) -> None:
        self.hub.wake()
        self.dispatcher.wake()

    def _local_commit(self) -> None:
        self.wake()
        if self.listener is not None:
            self.listener.publish()

    async def start(self) -> None:
        if self.started:
            return
        self.started = True
        self._unsubscribe = signal.subscribe(self._local_commit)
        await self.hub.start()
        if self.listener is not None:
            self.listener.start()
        if self.settings.events.dispatch:
            self.dispatcher.start()

    async def stop(self) -> None:
        self.started = False
        if self._unsubscribe is not None:
            self._unsubscribe()
        await self.dispatcher.stop()
        if self.listener is not None:
            await self.listener.stop()
        await self.hub.stop()
