"""One per worker: reads new outbox events when woken and hands them to its subscribers.

Each event reaches each subscriber once: events are read in id order from a floor below which
all were handed out, and ids above it that were already handed out are remembered. PostgreSQL
may commit a smaller id after a larger one (concurrent transactions), so the floor only passes
an id once it was read, or once it has stayed a gap for `GAP_SECONDS` (a rolled-back id).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import Viewer
from app.events import outbox
from app.events.kinds import StoredEvent
from app.events.matching import Matcher, visible

logger = logging.getLogger("app.events")

BATCH = 500
GAP_SECONDS = 30.0
QUEUE_SIZE = 1000  # a subscriber this far behind is dropped, not buffered without end


@dataclass(eq=False)
class Subscriber:
    viewer: Viewer
    matches: Matcher
    queue: asyncio.Queue[StoredEvent | None] = field(
        default_factory=lambda: asyncio.Queue(QUEUE_SIZE)
    )
    overflowed: bool = False


class SubscriberTooSlow(Exception):
    pass


class Hub:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], poll_seconds: float) -> None:
        self.sessions = sessions
        self.poll_seconds = poll_seconds
        self.subscribers: set[Subscriber] = set()
        self.floor = 0
        self.handed: set[int] = set()
        self.gap_since: float | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._start_lock = asyncio.Lock()

    async def start(self) -> None:
        async with self._start_lock:
            if self._task is not None:
                return
            async with self.sessions() as session:
                self.floor = await outbox.newest_id(session)
            self._task = asyncio.create_task(self._run(), name="events-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for sub in list(self.subscribers):
            sub.queue.put_nowait(None)

    def wake(self) -> None:
        self._wake.set()

    async def subscribe(self, viewer: Viewer, matches: Matcher) -> AsyncIterator[StoredEvent]:
        """The events the viewer may see and `matches` accepts, from now on."""
        await self.start()
        sub = Subscriber(viewer, matches)
        self.subscribers.add(sub)
        try:
            while True:
                event = await sub.queue.get()
                if event is None:
                    if sub.overflowed:
                        raise SubscriberTooSlow("The subscriber fell too far behind")
                    return
                yield event
        finally:
            self.subscribers.discard(sub)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()
            try:
                while await self.read_once():
                    pass
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database may be away for a moment; the next wake-up or poll retries.
                logger.warning("reading the outbox failed; retrying", exc_info=True)

    async def read_once(self) -> bool:
        """Hand out what is new; True when a full batch was read (more may be waiting)."""
        async with self.sessions() as session:
            events = await outbox.after(session, self.floor, BATCH)
        for event in events:
            if event.id in self.handed:
                continue
            self.handed.add(event.id)
            self._hand_out(event)
        self._advance(events)
        return len(events) == BATCH

    def _advance(self, events: list[StoredEvent]) -> None:
        while self.floor + 1 in self.handed:
            self.floor += 1
            self.handed.discard(self.floor)
        if not self.handed:
            self.gap_since = None
            return
        now = time.monotonic()
        if self.gap_since is None:
            self.gap_since = now
        elif now - self.gap_since > GAP_SECONDS:
            # The missing ids never committed (rolled back): pass over them.
            self.floor = min(self.handed) - 1
            self.gap_since = None
            self._advance(events)

    def _hand_out(self, event: StoredEvent) -> None:
        for sub in list(self.subscribers):
            if not visible(event, sub.viewer) or not sub.matches(event):
                continue
            try:
                sub.queue.put_nowait(event)
            except asyncio.QueueFull:
                self.subscribers.discard(sub)
                sub.overflowed = True
                with contextlib.suppress(asyncio.QueueFull):
                    sub.queue.get_nowait()
                    sub.queue.put_nowait(None)
