"""What `create_app` switches on for observability, in one call; the list of watched caches
lives here (add a cache with one `watch_cache` line)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.cache import counters as response_cache
from app.graphql.documents import documents
from app.observability import metrics
from app.observability.caches import watch_cache
from app.observability.sql import instrument_engine


def observe(engine: AsyncEngine) -> None:
    instrument_engine(engine)
    watch_cache("graphql_documents", documents.counts)
    watch_cache("responses", lambda: (response_cache.counters.hits, response_cache.counters.misses))


def refresh_response_cache_gauges() -> None:
    """The response cache's size and evictions, read at every scrape."""
    figures = response_cache.snapshot()
    metrics.RESPONSE_CACHE_EVICTIONS.set(figures["evictions"])
    metrics.RESPONSE_CACHE_ENTRIES.set(figures["entries"])
    metrics.RESPONSE_CACHE_BYTES.set(figures["bytes"])
