"""The ASGI application: /graphql (GraphiQL in a browser), REST, /livez, /readyz, /healthz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from app.cache.middleware import ResponseCacheMiddleware
from app.cache.setup import response_cache_for
from app.db.engine import (
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
    create_write_sessionmaker,
)
from app.events.live import LiveCatalog
from app.graphql.limits import BodySizeLimit
from app.graphql.schema import schema
from app.graphql.view import CatalogGraphQL
from app.http.auth import AuthMiddleware
from app.http.compression import CompressionMiddleware
from app.http.cors import cors_middleware
from app.http.edge import EXCEPTION_HANDLERS
from app.http.health import health_routes
from app.http.rate_limit import RateLimiter, RateLimitMiddleware, rate_limiter_for
from app.http.request_id import RequestIdMiddleware
from app.observability.endpoint import metrics_routes
from app.observability.middleware import ObserveMiddleware
from app.observability.multiprocess import worker_stopped
from app.observability.wiring import observe
from app.rest.routes import rest_routes
from app.settings import Settings

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(
    settings: Settings | None = None,
    engine: AsyncEngine | None = None,
    rate_limiter: RateLimiter | None = None,
) -> Starlette:
    """Build the app. Pass `engine` to share one (tests); otherwise the app owns its engine.
    `rate_limiter` replaces the one the settings describe (tests pass one with a fixed clock)."""
    settings = settings or Settings.from_env()
    owns_limiter = rate_limiter is None
    limiter = rate_limiter if rate_limiter is not None else rate_limiter_for(settings)
    owns_engine = engine is None
    engine = engine or create_engine(settings.database_url)
    observe(engine)
    sessions = create_sessionmaker(engine)
    cache = response_cache_for(settings)
    graphql_app = CatalogGraphQL(
        schema, create_read_sessionmaker(engine), create_write_sessionmaker(engine), settings
    )
    live = LiveCatalog(engine, settings)  # events: subscriptions and webhooks

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await live.start()
        yield
        await cache.aclose()
        worker_stopped()
        await live.stop()
        if owns_limiter and limiter is not None:
            await limiter.aclose()
        if owns_engine:
            await engine.dispose()

    routes = [
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql_app),
        *health_routes(engine),
        *metrics_routes(),
        *rest_routes(graphql_app.executor),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        # The request id comes first (every response carries it); then metrics and the request
        # log (they see every answer), CORS (a preflight needs nothing else), the body limit:
        # an oversized request never reaches authentication. The rate limit comes after
        # authentication: it counts per token, else per IP.
        middleware=[
            Middleware(RequestIdMiddleware),
            Middleware(ObserveMiddleware, routes=routes, access_log=settings.access_log),
            *cors_middleware(settings.cors_origins, routes),
            Middleware(BodySizeLimit),
            Middleware(AuthMiddleware, sessions=sessions),
            Middleware(RateLimitMiddleware, limiter=limiter),
            # Compression wraps the response cache, which serves compressed entries itself.
            Middleware(CompressionMiddleware, min_bytes=settings.compress_min_bytes),
            Middleware(ResponseCacheMiddleware, cache=cache),
        ],
        # Unknown routes (404) and wrong methods (405, with Allow) answer the envelope.
        exception_handlers=dict(EXCEPTION_HANDLERS),
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.settings = settings
    app.state.rate_limiter = limiter
    app.state.response_cache = cache
    app.state.live = live
    return app
