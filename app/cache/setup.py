"""Builds an application's ResponseCache from its settings."""

from __future__ import annotations

from app.cache.revision import revision_source_for
from app.cache.state import ResponseCache
from app.cache.store import RedisEntries
from app.graphql.persisted import PersistedQueries, load_trusted
from app.settings import Settings


def response_cache_for(settings: Settings) -> ResponseCache:
    """Trusted documents are loaded here, at start (a bad directory fails the start). The
    revision source and Redis are used only with the cache on."""
    persisted = PersistedQueries(load_trusted(settings.trusted_documents))
    if not settings.response_cache:
        return ResponseCache(settings, None, persisted)
    shared = None
    if settings.redis_url:
        shared = RedisEntries.from_url(settings.redis_url, settings.database_url)
    return ResponseCache(settings, revision_source_for(settings.database_url), persisted, shared)
