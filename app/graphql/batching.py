"""Batch loading in waves, so that the statements a query runs depend on its shape only.

A plain DataLoader dispatches a batch one event-loop tick after its first key. When two
batches of one request are in flight (say, `latestVersion` and `versions`), whichever finishes
first sends its children's keys (their files) off alone, and the other's follow in a second
batch or are cache hits: the statement count then depends on I/O timing. Here the loaders of
one request share a `Waves` scheduler: keys queue up; a wave starts only when no batch of the
request is running and the queue has stopped growing for a few ticks, and it runs every queued
batch together. A batch function must not wait on a loader (it would wait for its own wave).

Resolvers that query directly (a root connection's page, a count) do so through `Waves.reading`,
so a wave also waits for them: their children's keys then join one wave, whatever the timing.
Such a session must not wait on a loader either.

Every batch and direct query of a request runs on the request's one session (`ReadScope`), so
the batches of a wave run one after another, never side by side.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.reads import ReadScope

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
R = TypeVar("R")

# Ticks without a new key before a wave starts: enough for resolvers woken by the previous
# wave to reach their own `load` calls (graphql-core needs a few awaits per level).
SETTLE_TICKS = 8


class Waves:
    """The per-request scheduler shared by every `Loader` of the request."""

    def __init__(self, scope: ReadScope) -> None:
        self.scope = scope
        self._queued: dict[Loader[Any, Any], None] = {}
        self._keys = 0
        self._task: asyncio.Task[None] | None = None
        self._reading = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """The request's session for a direct query; no wave starts while one is open."""
        self._reading += 1
        self._idle.clear()
        try:
            async with self.scope.use() as session:
                yield session
        finally:
            self._reading -= 1
            self._keys += 1  # what the query wakes up gets its settle ticks
            if not self._reading:
                self._idle.set()

    def enqueue(self, loader: Loader[Any, Any]) -> None:
        self._queued[loader] = None
        self._keys += 1
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        try:
            while True:
                await self._settle()
                if not self._queued:
                    return
                loaders = list(self._queued)
                self._queued.clear()
                for loader in loaders:  # one session: one batch at a time
                    await loader.dispatch()
        finally:
            self._task = None

    async def _settle(self) -> None:
        quiet, seen = 0, self._keys
        while quiet < SETTLE_TICKS or self._reading:
            if self._reading:
                await self._idle.wait()
                quiet, seen = 0, self._keys
                continue
            await asyncio.sleep(0)
            quiet, seen = (quiet + 1, seen) if self._keys == seen else (0, self._keys)


def now_or_later(future: asyncio.Future[V], convert: Callable[[V], R]) -> R:
    """`convert(value)` at once when the future is resolved (prefetched), else an awaitable of
    it. graphql-core awaits what a resolver returns when it is awaitable, so a resolver that
    calls this is synchronous whenever its data is already loaded: no coroutine, no task.
    The awaitable is typed as the value (the schema reads resolvers' annotations)."""
    if future.done():
        return convert(future.result())

    async def later() -> R:
        return convert(await future)

    return cast(R, later())


class Loader(Generic[K, V]):
    """Memoised per request: each key is fetched at most once, in the wave it was asked in."""

    def __init__(
        self, waves: Waves, batch_fn: Callable[[AsyncSession, list[K]], Awaitable[list[V]]]
    ) -> None:
        self._waves = waves
        self._batch_fn = batch_fn
        self._cache: dict[K, asyncio.Future[V]] = {}
        self._pending: list[K] = []

    def load(self, key: K) -> asyncio.Future[V]:
        future = self._cache.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._cache[key] = future
            self._pending.append(key)
            self._waves.enqueue(self)
        return future

    async def load_many(self, keys: Iterable[K]) -> list[V]:
        return list(await asyncio.gather(*(self.load(key) for key in keys)))

    async def dispatch(self) -> None:
        keys, self._pending = self._pending, []
        if not keys:
            return
        try:
            async with self._waves.scope.use() as session:
                values = list(await self._batch_fn(session, keys))
            if len(values) != len(keys):
                raise RuntimeError(f"batch returned {len(values)} values for {len(keys)} keys")
        except Exception as exc:  # every waiting resolver gets the error
            for key in keys:
                if not self._cache[key].done():
                    self._cache[key].set_exception(exc)
            return
        for key, value in zip(keys, values, strict=True):
            if not self._cache[key].done():
                self._cache[key].set_result(value)
