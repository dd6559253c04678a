"""Per-client rate limit (app/http/rate_limit.py): 429 `rate_limited` envelope, X-RateLimit-*
headers, one budget per token or IP; memory backend, and Redis at 127.0.0.1:6379
(`CATALOG_TEST_REDIS_URL`), which is skipped with the reason where no server answers, except
under CI=true, where that fails. Every limiter here has a fixed clock: no sleeps, no timing."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import AsyncIterator

import httpx
import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.http.rate_limit import (
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    rate_limiter_for,
)
from app.main import create_app
from app.settings import DEFAULT_RATE_LIMIT, Settings
from tests.access_support import Tokens
from tests.databases import in_ci

MINUTE = 1_700_000_040  # a window starts here
NOW = MINUTE + 10.0  # 50 s before the window ends
QUERY = {"query": "{ viewer { isAnonymous } }"}
REDIS_TEST_URL = os.environ.get("CATALOG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")


def fixed_clock() -> float:
    return NOW


def http_client(
    engine: AsyncEngine, limiter: RateLimiter | None, ip: str = "10.0.0.1"
) -> httpx.AsyncClient:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    app = create_app(settings, engine, rate_limiter=limiter)
    transport = httpx.ASGITransport(app=app, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://catalog.test")


def assert_refused(response: httpx.Response, limit: int = 3) -> None:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == 429
    assert body["type"] == "rate_limited"
    assert f"{limit} requests per minute" in body["detail"]
    assert body["requestId"] == response.headers["x-request-id"]
    assert response.headers["retry-after"] == "50"
    assert response.headers["x-ratelimit-limit"] == str(limit)
    assert response.headers["x-ratelimit-remaining"] == "0"
    assert response.headers["x-ratelimit-reset"] == str(MINUTE + 60)


async def test_graphql_fourth_request_is_refused_with_the_envelope(seeded_engine):
    limiter = MemoryRateLimiter(3, clock=fixed_clock)
    async with http_client(seeded_engine, limiter) as http:
        allowed = [await http.post("/graphql", json=QUERY) for _ in range(3)]
        refused = await http.post("/graphql", json=QUERY, headers={"X-Request-ID": "rl-test-1"})
    for response, remaining in zip(allowed, ["2", "1", "0"], strict=True):
        assert response.status_code == 200, response.text
        assert response.json()["data"] == {"viewer": {"isAnonymous": True}}
        assert response.headers["x-ratelimit-limit"] == "3"
        assert response.headers["x-ratelimit-remaining"] == remaining
        assert response.headers["x-ratelimit-reset"] == str(MINUTE + 60)
        assert "retry-after" not in response.headers
    assert_refused(refused)
    assert refused.json()["requestId"] == "rl-test-1"


async def test_rest_route_fourth_request_is_refused(seeded_engine):
    limiter = MemoryRateLimiter(3, clock=fixed_clock)
    async with http_client(seeded_engine, limiter) as http:
        allowed = [await http.get("/v1/models", params={"limit": 1}) for _ in range(3)]
        refused = await http.get("/v1/models", params={"limit": 1})
    assert [r.status_code for r in allowed] == [200, 200, 200]
    assert [r.headers["x-ratelimit-remaining"] for r in allowed] == ["2", "1", "0"]
    assert_refused(refused)


async def test_graphql_and_rest_share_one_budget(seeded_engine):
    limiter = MemoryRateLimiter(3, clock=fixed_clock)
    async with http_client(seeded_engine, limiter) as http:
        assert (await http.post("/graphql", json=QUERY)).status_code == 200
        assert (await http.get("/v1/models", params={"limit": 1})).status_code == 200
        assert (await http.get("/graphql", params=QUERY)).status_code == 200
        assert_refused(await http.get("/v1/models", params={"limit": 1}))


async def test_each_token_and_each_ip_has_its_own_budget(fresh_engine, tokens: Tokens):
    limiter = MemoryRateLimiter(3, clock=fixed_clock)
    reader = Tokens.header(tokens.acme_reader)
    writer = Tokens.header(tokens.globex_writer)
    async with (
        http_client(fresh_engine, limiter, ip="10.0.0.1") as first,
        http_client(fresh_engine, limiter, ip="10.0.0.2") as second,
    ):
        for _ in range(3):
            assert (await first.post("/graphql", json=QUERY)).status_code == 200
        assert_refused(await first.post("/graphql", json=QUERY))
        # Another address, anonymous: a budget of its own.
        other_ip = await second.post("/graphql", json=QUERY)
        assert other_ip.status_code == 200
        assert other_ip.headers["x-ratelimit-remaining"] == "2"
        # A token from the exhausted address is counted by token, not by address.
        for remaining in ("2", "1", "0"):
            response = await first.post("/graphql", json=QUERY, headers=reader)
            assert response.status_code == 200, response.text
            assert response.json()["data"] == {"viewer": {"isAnonymous": False}}
            assert response.headers["x-ratelimit-remaining"] == remaining
        # The same token from another address shares that token's budget.
        assert_refused(await second.post("/graphql", json=QUERY, headers=reader))
        other_token = await first.post("/graphql", json=QUERY, headers=writer)
        assert other_token.status_code == 200
        assert other_token.headers["x-ratelimit-remaining"] == "2"


async def test_a_refused_token_is_401_and_not_counted(fresh_engine, tokens: Tokens):
    limiter = MemoryRateLimiter(1, clock=fixed_clock)
    async with http_client(fresh_engine, limiter) as http:
        for _ in range(3):
            response = await http.post("/graphql", json=QUERY, headers=Tokens.header("nope"))
            assert response.status_code == 401
            assert "x-ratelimit-limit" not in response.headers
        assert (await http.post("/graphql", json=QUERY)).status_code == 200


async def test_healthz_and_static_are_not_limited(seeded_engine):
    limiter = MemoryRateLimiter(1, clock=fixed_clock)
    async with http_client(seeded_engine, limiter) as http:
        for _ in range(3):
            health = await http.get("/healthz")
            asset = await http.get("/static/graphiql/start.js")
            for response in (health, asset):
                assert response.status_code == 200
                assert not any(name in response.headers for name in HEADERS)
        assert (await http.post("/graphql", json=QUERY)).status_code == 200
        assert_refused(await http.post("/graphql", json=QUERY), limit=1)


async def test_limit_zero_turns_it_off(seeded_engine):
    off = Settings(
        database_url=seeded_engine.url.render_as_string(hide_password=False),
        rate_limit_per_minute=0,
        redis_url=REDIS_TEST_URL,
    )
    assert rate_limiter_for(off) is None
    app = create_app(off, seeded_engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as http:
        for _ in range(5):
            response = await http.post("/graphql", json=QUERY)
            assert response.status_code == 200
            assert "x-ratelimit-limit" not in response.headers


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.delenv("CATALOG_RATE_LIMIT", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    default = Settings.from_env()
    assert default.rate_limit_per_minute == DEFAULT_RATE_LIMIT == 1200
    assert isinstance(rate_limiter_for(default), MemoryRateLimiter)
    monkeypatch.setenv("CATALOG_RATE_LIMIT", "0")
    assert Settings.from_env().rate_limit_per_minute == 0
    monkeypatch.setenv("CATALOG_RATE_LIMIT", "60")
    assert Settings.from_env().rate_limit_per_minute == 60
    for bad in ("lots", "-1", "1.5"):
        monkeypatch.setenv("CATALOG_RATE_LIMIT", bad)
        with pytest.raises(ValueError, match="CATALOG_RATE_LIMIT"):
            Settings.from_env()


async def test_unreachable_redis_fails_open_and_logs_once(seeded_engine, caplog):
    clock_now = [NOW]
    # Nothing listens on port 1: every connection is refused at once.
    limiter = RedisRateLimiter(
        Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5),
        3,
        clock=lambda: clock_now[0],
        retry_seconds=5,
    )
    try:
        with caplog.at_level(logging.WARNING, logger="app.http"):
            async with http_client(seeded_engine, limiter) as http:
                responses = [await http.post("/graphql", json=QUERY) for _ in range(5)]
                assert await limiter.hit("ip:10.0.0.9") is None
                clock_now[0] = NOW + 6  # past the back-off: Redis is tried again, still down
                assert await limiter.hit("ip:10.0.0.9") is None
    finally:
        await limiter.aclose()
    assert [r.status_code for r in responses] == [200] * 5
    assert not any(name in responses[0].headers for name in HEADERS)
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        reason = f"Redis at {REDIS_TEST_URL} is not reachable ({error.__class__.__name__})"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    yield client
    await client.aclose()


@pytest.fixture
async def redis_prefix(redis_client: Redis) -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"catalog-test:{os.getpid()}:{secrets.token_hex(4)}:"
    yield prefix
    keys = [key async for key in redis_client.scan_iter(match=f"{prefix}*")]
    if keys:
        await redis_client.delete(*keys)


async def test_redis_backend_refuses_the_fourth_request(
    seeded_engine, redis_client: Redis, redis_prefix: str
):
    limiter = RedisRateLimiter(redis_client, 3, prefix=redis_prefix, clock=fixed_clock)
    async with http_client(seeded_engine, limiter) as http:
        allowed = [await http.post("/graphql", json=QUERY) for _ in range(3)]
        refused_rest = await http.get("/v1/models", params={"limit": 1})
    assert [r.status_code for r in allowed] == [200, 200, 200]
    assert [r.headers["x-ratelimit-remaining"] for r in allowed] == ["2", "1", "0"]
    assert_refused(refused_rest)
    key = f"{redis_prefix}ip:10.0.0.1:{MINUTE}"
    assert await redis_client.get(key) == b"4"
    assert 0 < await redis_client.ttl(key) <= 61


async def test_redis_budget_is_shared_by_workers_and_split_by_client(
    seeded_engine, redis_client: Redis, redis_prefix: str
):
    # Two apps with limiters of their own stand for two worker processes.
    workers = [
        RedisRateLimiter(redis_client, 3, prefix=redis_prefix, clock=fixed_clock) for _ in range(2)
    ]
    async with (
        http_client(seeded_engine, workers[0]) as first,
        http_client(seeded_engine, workers[1]) as second,
        http_client(seeded_engine, workers[1], ip="10.0.0.2") as elsewhere,
    ):
        assert (await first.post("/graphql", json=QUERY)).status_code == 200
        assert (await second.post("/graphql", json=QUERY)).status_code == 200
        third = await first.post("/graphql", json=QUERY)
        assert third.headers["x-ratelimit-remaining"] == "0"
        assert_refused(await second.post("/graphql", json=QUERY))
        other = await elsewhere.post("/graphql", json=QUERY)
        assert other.status_code == 200
        assert other.headers["x-ratelimit-remaining"] == "2"


async def test_redis_backend_counts_per_token(
    fresh_engine, tokens: Tokens, redis_client: Redis, redis_prefix: str
):
    limiter = RedisRateLimiter(redis_client, 2, prefix=redis_prefix, clock=fixed_clock)
    reader = Tokens.header(tokens.acme_reader)
    async with http_client(fresh_engine, limiter) as http:
        for _ in range(2):
            assert (await http.post("/graphql", json=QUERY, headers=reader)).status_code == 200
        assert_refused(await http.post("/graphql", json=QUERY, headers=reader), limit=2)
        assert (await http.post("/graphql", json=QUERY)).status_code == 200
    token_keys = [key async for key in redis_client.scan_iter(match=f"{redis_prefix}token:*")]
    assert len(token_keys) == 1
