"""Fixed-window rate limiting: pure counting, no I/O, the clock passed in.

Every client gets `limit` requests per window (60 s by default). Windows are aligned to the
epoch (a minute window starts on the minute), so every worker and the Redis backend agree on
where a window ends without talking to each other. A request is counted whether or not it is
allowed; the window's count starts again from zero when the window ends.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

WINDOW_SECONDS = 60

Clock = Callable[[], float]


@dataclass(frozen=True)
class Window:
    start: int
    reset: int  # epoch seconds at which the next window starts


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # epoch seconds (X-RateLimit-Reset)
    retry_after: int  # whole seconds until the window ends, at least 1 (Retry-After)


def window_at(now: float, seconds: int = WINDOW_SECONDS) -> Window:
    """The window containing `now`."""
    start = int(now // seconds) * seconds
    return Window(start=start, reset=start + seconds)


def decide(count: int, limit: int, now: float, window: Window) -> Decision:
    """The verdict for the request that brought the window's count to `count`."""
    return Decision(
        allowed=count <= limit,
        limit=limit,
        remaining=max(0, limit - count),
        reset=window.reset,
        retry_after=max(1, math.ceil(window.reset - now)),
    )


class FixedWindowCounter:
    """In-process counts for the current window only (older windows are dropped whole, so the
    memory held is one integer per client seen in the current window)."""

    def __init__(
        self, limit: int, *, seconds: int = WINDOW_SECONDS, clock: Clock = time.time
    ) -> None:
        if limit < 1:
            raise ValueError("a rate limit needs at least one request per window")
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._window: Window | None = None
        self._counts: dict[str, int] = {}

    def hit(self, key: str) -> Decision:
        now = self.clock()
        window = window_at(now, self.seconds)
        if window != self._window:
            self._window = window
            self._counts = {}
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return decide(count, self.limit, now, window)

    def tracked_clients(self) -> int:
        return len(self._counts)
