"""A client over an app with the response cache on; the cache (its revision listener) is closed
when the client is, so no connection outlives the test's database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from app.cache.counters import counters
from app.main import create_app
from app.settings import Settings


@asynccontextmanager
async def cached_client(engine: AsyncEngine, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    base = Settings(database_url=engine.url.render_as_string(hide_password=False))
    app = create_app(replace(base, **{"response_cache": True, **settings}), engine)
    counters.reset()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http
    finally:
        await app.state.response_cache.aclose()
