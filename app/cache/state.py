"""A response cache's state for one application: entries, known documents, the revision,
persisted queries and the negotiated media types."""

from __future__ import annotations

import logging

from app.cache.counters import CacheCounters, counters
from app.cache.policy import KnownDocuments
from app.cache.revision import RevisionSource
from app.cache.store import LruStore, RedisEntries
from app.errors import HTTPRefusal
from app.graphql.persisted import PersistedQueries
from app.http.negotiation import negotiate
from app.settings import Settings

logger = logging.getLogger("app.cache")


class ResponseCache:
    """The cache's state for one application: entries, known documents, the revision."""

    def __init__(
        self,
        settings: Settings,
        revision: RevisionSource | None,
        persisted: PersistedQueries,
        shared: RedisEntries | None = None,
        stats: CacheCounters = counters,
    ) -> None:
        self.enabled = settings.response_cache
        self.settings = settings
        self.revision = revision
        self.persisted = persisted
        self.shared = shared
        self.counters = stats
        self.store = LruStore(settings.response_cache_bytes, stats)
        self.known = KnownDocuments()
        self._media: dict[bytes, str | None] = {}
        self._started = False

    async def current_revision(self) -> int | None:
        if self.revision is None:
            return None
        if not self._started:
            self._started = True
            try:
                await self.revision.start()
            except Exception:  # never fail a request over the cache: serve it uncached
                logger.exception("response cache: the revision source did not start")
        return self.revision.current()

    async def after_write(self) -> None:
        if self.revision is not None and self._started:
            await self.revision.refresh()

    def media_type(self, accept: bytes | None) -> str | None:
        """The negotiated media type for an Accept header (memoized); None when refused."""
        raw = accept or b""
        try:
            return self._media[raw]
        except KeyError:
            pass
        try:
            media: str | None = negotiate(raw.decode("latin-1"))
        except HTTPRefusal:
            media = None
        if len(self._media) < 256:
            self._media[raw] = media
        return media

    async def aclose(self) -> None:
        if self.revision is not None:
            await self.revision.aclose()
        if self.shared is not None:
            await self.shared.aclose()
        self.store.clear()
