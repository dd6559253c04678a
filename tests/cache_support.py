"""A client over an app with the response cache on; the cache (its revision listener) is closed
when the client is, so no connection outlives the test's database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.cache.counters import counters
from app.main import create_app
from app.settings import Settings
from tests.http_support import free_port


@asynccontextmanager
async def cached_client(
    engine: AsyncEngine, rate_limiter: Any = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    base = Settings(database_url=engine.url.render_as_string(hide_password=False))
    app = create_app(replace(base, **{"response_cache": True, **settings}), engine, rate_limiter)
    counters.reset()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http
    finally:
        await app.state.response_cache.aclose()


@contextmanager
def workers(
    database_url: str, tmp_path: Path, count: int = 2, redis_url: str | None = None
) -> Iterator[list[str]]:
    """`count` uvicorn processes on free ports over one database, the cache on."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CATALOG_RESPONSE_CACHE": "on",
        "CATALOG_DEBUG": "1",
        "CATALOG_RATE_LIMIT": "0",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    processes: list[subprocess.Popen[bytes]] = []
    bases: list[str] = []
    try:
        for index in range(count):
            port = free_port()
            log = (tmp_path / f"worker-{index}.log").open("wb")
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "uvicorn", "app.asgi:app", "--port", str(port),
                     "--log-level", "warning"],
                    env=env, stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
            bases.append(f"http://127.0.0.1:{port}")
        for base, process in zip(bases, processes, strict=True):
            for _ in range(300):
                if process.poll() is not None:
                    pytest.fail(f"a worker exited: {(tmp_path / 'worker-0.log').read_text()}")
                try:
                    with urllib.request.urlopen(f"{base}/livez", timeout=2):
                        break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.1)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
