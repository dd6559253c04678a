"""Cache hits and misses as Prometheus counters, from any cache that counts its own.

A cache keeps two plain integers (no Prometheus import in its hot path); `watch_cache` names
it once, and its counts are copied into `catalog_cache_hits_total{cache=...}` /
`catalog_cache_misses_total` at the end of every request and at every scrape, so the counters
are exact in every worker (multiprocess mode adds the workers up). Wiring another cache is one
line, e.g. `watch_cache("responses", lambda: (stats.hits, stats.misses))`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter

from app.observability.metrics import CACHE_HITS, CACHE_MISSES

HitsAndMisses = Callable[[], tuple[int, int]]


@dataclass
class _Watched:
    counts: HitsAndMisses
    hits: Counter
    misses: Counter
    seen_hits: int = 0
    seen_misses: int = 0


_watched: dict[str, _Watched] = {}


def watch_cache(name: str, counts: HitsAndMisses) -> None:
    """Export the (hits, misses) that `counts` returns under `cache=name` (idempotent: the
    same name again replaces the source and counts on from its current numbers)."""
    hits, misses = counts()
    _watched[name] = _Watched(
        counts, CACHE_HITS.labels(cache=name), CACHE_MISSES.labels(cache=name), hits, misses
    )


def sync_caches() -> None:
    """Add what each cache counted since the last sync to its counters."""
    for watched in _watched.values():
        hits, misses = watched.counts()
        if hits != watched.seen_hits:
            watched.hits.inc(max(0, hits - watched.seen_hits))
            watched.seen_hits = hits
        if misses != watched.seen_misses:
            watched.misses.inc(max(0, misses - watched.seen_misses))
            watched.seen_misses = misses
