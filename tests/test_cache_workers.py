"""Two worker processes with the response cache on, sharing Redis, on SQLite and PostgreSQL:
a read on one worker right after a write answered by the other sees the write, for every kind
of write (GraphQL mutations on the other worker, and `catalog` commands from a third process);
an entry computed by one worker is served to the other from Redis.

Skipped with the reason where Redis does not answer (a failure under CI=true).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.access_support import Tokens, make_orgs_and_tokens
from tests.cache_support import workers
from tests.databases import in_ci
from tests.test_response_cache import MODELS, ORGS, WRITES

REDIS_TEST_URL = os.environ.get("CATALOG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except (redis.RedisError, OSError) as error:
        reason = f"Redis at {REDIS_TEST_URL} is not reachable ({error.__class__.__name__})"
        if in_ci():
            pytest.fail(f"{reason}; CI must run this test")
        pytest.skip(reason)


def post(base: str, query: str, variables: Any = None, token: str | None = None) -> Any:
    payload = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"{base}/graphql", data=payload, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


async def test_a_write_on_one_worker_is_seen_by_a_read_on_the_other(
    fresh_engine: AsyncEngine, tmp_path: Path
) -> None:
    _require_redis()
    tokens: Tokens = await make_orgs_and_tokens(fresh_engine)
    url = fresh_engine.url.render_as_string(hide_password=False)
    await fresh_engine.dispose()
    with workers(url, tmp_path, redis_url=REDIS_TEST_URL) as (a, b):
        # Shared entries: computed on a, served by b from Redis.
        assert post(a, MODELS, {"first": 2})["extensions"]["cache"] == "MISS"
        assert post(b, MODELS, {"first": 2})["extensions"]["cache"] == "HIT"

        create = "mutation($i: CreateModelInput!) { createModel(input: $i) { id } }"
        i = {"organization": "acme", "slug": "fresh", "name": "Fresh"}
        count = post(b, MODELS, {"first": 1})["data"]["models"]["totalCount"]
        assert "errors" not in post(a, create, {"i": i}, tokens.acme_writer)
        assert post(b, MODELS, {"first": 1})["data"]["models"]["totalCount"] == count + 1

        provider = post(a, "{ providers(first: 1) { nodes { slug } } }")["data"]
        for mutation, variables, read, shows in WRITES:
            if variables.get("p") == "PROVIDER":
                variables = {"p": provider["providers"]["nodes"][0]["slug"]}
            post(b, read)
            assert post(b, read)["extensions"]["cache"] == "HIT"
            who = tokens.acme_admin if "createOrganization" in mutation else tokens.acme_writer
            done = post(a, mutation, variables, who)
            assert "errors" not in done, done
            seen = post(b, read)
            assert shows(seen["data"]), (mutation, seen)

        # A command-line write (another process): both workers see it.
        post(a, ORGS), post(b, ORGS)
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run(
            [sys.executable, "-m", "app.cli", "org", "create", "umbrella"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        for base in (a, b):
            slugs = [o["slug"] for o in post(base, ORGS)["data"]["organizations"]["nodes"]]
            assert "umbrella" in slugs, base
