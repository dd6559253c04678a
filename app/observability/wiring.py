"""What `create_app` switches on for observability, in one call; the list of watched caches
lives here (add a cache with one `watch_cache` line)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from app.graphql.documents import documents
from app.observability.caches import watch_cache
from app.observability.sql import instrument_engine


def observe(engine: AsyncEngine) -> None:
    instrument_engine(engine)
    watch_cache("graphql_documents", documents.counts)
