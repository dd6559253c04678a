"""The response cache's counters, in a plain form for a metrics endpoint.

`counters` is the process's one instance; `snapshot()` returns plain numbers:
hits, misses, evictions (entries pushed out by the byte cap), entries and bytes (the cache's
current size), stores (answers kept) and bypasses (requests the cache could not serve: not a
query, no revision known, uncacheable).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class CacheCounters:
    hits: int = 0
    misses: int = 0
    evictions: int = 0
    stores: int = 0
    bypasses: int = 0
    entries: int = 0
    bytes: int = 0

    def snapshot(self) -> dict[str, int]:
        return asdict(self)

    def reset(self) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, 0)


counters = CacheCounters()


def snapshot() -> dict[str, int]:
    """hits, misses, evictions, stores, bypasses, entries, bytes: this process's figures."""
    return counters.snapshot()
