"""Per-client rate limit in front of /graphql and the REST routes (HTTP 429 `rate_limited`).

The client is the bearer token (its id) for authenticated callers, else the peer's IP address
(`X-Forwarded-For` is not read: behind a proxy, run uvicorn with `--proxy-headers` and
`--forwarded-allow-ips` so the address it reports is the client's). The middleware sits after
the body-size limit and authentication, so a refused token is a 401 and is not counted.

Counting is a fixed window per minute (app/services/rate_limit.py), `CATALOG_RATE_LIMIT`
requests per client. Backends: in-process memory (each worker counts on its own), or Redis
when `REDIS_URL` is set (one INCR + EXPIRE transaction per request, shared by all workers).
When Redis cannot be reached the limit fails open: requests go through without rate-limit
headers, the outage is logged once, and Redis is tried again after a few seconds.

Every limited response carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
`X-RateLimit-Reset` (epoch seconds, as GitHub's); a refusal adds `Retry-After` (seconds).
"""

from __future__ import annotations

import logging
import time
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import ANONYMOUS, Viewer
from app.errors import RateLimited
from app.http.request_id import request_id_of
from app.http.responses import error_response
from app.observability.metrics import RATE_LIMIT_REFUSALS, RATE_LIMIT_UNCHECKED
from app.services.rate_limit import (
    WINDOW_SECONDS,
    Clock,
    Decision,
    FixedWindowCounter,
    decide,
    window_at,
)
from app.settings import Settings

logger = logging.getLogger("app.http")

UNLIMITED_PATHS = ("/livez", "/readyz", "/healthz", "/metrics")
UNLIMITED_PREFIXES = ("/static/",)
REDIS_KEY_PREFIX = "catalog:ratelimit:"
REDIS_RETRY_SECONDS = 5.0
REDIS_TIMEOUT_SECONDS = 0.5


class RateLimiter(Protocol):
    async def hit(self, key: str) -> Decision | None:
        """Count one request of `key`; None when the limit cannot be applied (fail open)."""

    async def aclose(self) -> None: ...


class MemoryRateLimiter:
    """Counts in this process (one budget per worker process)."""

    def __init__(
        self, limit: int, *, seconds: int = WINDOW_SECONDS, clock: Clock = time.time
    ) -> None:
        self.counter = FixedWindowCounter(limit, seconds=seconds, clock=clock)

    async def hit(self, key: str) -> Decision | None:
        return self.counter.hit(key)

    async def aclose(self) -> None:
        return None


class RedisRateLimiter:
    """Counts in Redis, shared by every worker: key `<prefix><client>:<window start>`,
    incremented and given its expiry in one MULTI/EXEC transaction."""

    def __init__(
        self,
        client: Redis,
        limit: int,
        *,
        prefix: str = REDIS_KEY_PREFIX,
        seconds: int = WINDOW_SECONDS,
        clock: Clock = time.time,
        retry_seconds: float = REDIS_RETRY_SECONDS,
    ) -> None:
        if limit < 1:
            raise ValueError("a rate limit needs at least one request per window")
        self.client = client
        self.limit = limit
        self.prefix = prefix
        self.seconds = seconds
        self.clock = clock
        self.retry_seconds = retry_seconds
        self._down_until: float | None = None

    @classmethod
    def from_url(cls, url: str, limit: int) -> RedisRateLimiter:
        client = Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        return cls(client, limit)

    async def hit(self, key: str) -> Decision | None:
        now = self.clock()
        if self._down_until is not None and now < self._down_until:
            return None
        window = window_at(now, self.seconds)
        redis_key = f"{self.prefix}{key}:{window.start}"
        # Expire a little after the window ends (relative, so a skewed clock cannot expire a
        # live key at once).
        ttl = max(1, window.reset - int(now)) + 1
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.incr(redis_key)
                pipe.expire(redis_key, ttl)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as error:
            if self._down_until is None:
                logger.warning(
                    "rate limit: Redis unreachable (%s); requests are not limited until it "
                    "answers again",
                    error.__class__.__name__,
                )
            self._down_until = now + self.retry_seconds
            return None
        if self._down_until is not None:
            logger.warning("rate limit: Redis answers again; limiting resumed")
            self._down_until = None
        return decide(int(count), self.limit, now, window)

    async def aclose(self) -> None:
        await self.client.aclose()


def rate_limiter_for(settings: Settings) -> RateLimiter | None:
    """The backend the settings ask for; None when the limit is off (`CATALOG_RATE_LIMIT=0`)."""
    if settings.rate_limit_per_minute <= 0:
        return None
    if settings.redis_url:
        return RedisRateLimiter.from_url(settings.redis_url, settings.rate_limit_per_minute)
    return MemoryRateLimiter(settings.rate_limit_per_minute)


def is_limited(path: str) -> bool:
    return path not in UNLIMITED_PATHS and not path.startswith(UNLIMITED_PREFIXES)


def client_key(viewer: Viewer, scope: Scope) -> str:
    if viewer.token_id is not None:
        return f"token:{viewer.token_id}"
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


def rate_limit_headers(decision: Decision) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(decision.limit),
        "X-RateLimit-Remaining": str(decision.remaining),
        "X-RateLimit-Reset": str(decision.reset),
    }


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, limiter: RateLimiter | None) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limiter is None or not is_limited(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        viewer: Viewer = getattr(request.state, "viewer", ANONYMOUS)
        decision = await self.limiter.hit(client_key(viewer, scope))
        if decision is None:
            RATE_LIMIT_UNCHECKED.inc()
            await self.app(scope, receive, send)
            return
        headers = rate_limit_headers(decision)
        if not decision.allowed:
            RATE_LIMIT_REFUSALS.inc()
            request_id = getattr(request.state, "request_id", None) or request_id_of(request)
            refusal = RateLimited(
                f"Rate limit exceeded: {decision.limit} requests per minute; "
                f"retry in {decision.retry_after} s"
            )
            response = error_response(refusal, request_id)
            response.headers.update({**headers, "Retry-After": str(decision.retry_after)})
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                MutableHeaders(scope=message).update(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)
