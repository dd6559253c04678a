"""When to try a failed webhook delivery again (pure): exponential backoff with jitter."""

from __future__ import annotations

import random


def next_delay(
    attempts: int, base: float, ceiling: float, rand: random.Random | None = None
) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: base, twice, four times, ...
    up to `ceiling`, each drawn between half and all of it ("equal jitter"), so that receivers that
    came back are not hit by every sender at once."""
    full = min(ceiling, base * float(2 ** max(0, attempts - 1)))
    jitter: float = (rand or random.Random()).uniform(0, full / 2)
    return full / 2 + jitter


def gives_up(age_seconds: float, delay: float, retry_seconds: float) -> bool:
    """A delivery is retried only while its next attempt falls within the retry window."""
    return age_seconds + delay > retry_seconds
