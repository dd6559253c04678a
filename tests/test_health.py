"""/livez, /readyz and /healthz on SQLite and PostgreSQL: up, down, behind head, never migrated."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_engine
from app.db.migrate import upgrade_engine
from app.db.revision import head_revision
from app.main import create_app
from app.settings import Settings
from tests.databases import POSTGRES_ADMIN_URL, DatabaseFactory
from tests.http_support import free_port

READY_PATHS = ["/readyz", "/healthz"]


def _client(engine: AsyncEngine) -> httpx.AsyncClient:
    settings = Settings(database_url=engine.url.render_as_string(hide_password=False))
    app = create_app(settings, engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://catalog.test")


@pytest.fixture
async def engine_at_0002(databases: DatabaseFactory) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(await databases.create_empty("behind"))
    await upgrade_engine(engine, "0002")
    yield engine
    await engine.dispose()


@pytest.fixture
async def never_migrated(databases: DatabaseFactory) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(await databases.create_empty("bare"))
    yield engine
    await engine.dispose()


@pytest.fixture
async def down_engine(databases: DatabaseFactory, tmp_path) -> AsyncIterator[AsyncEngine]:
    """A database nobody can reach: a port nobody listens on, or a file in no directory."""
    if databases.backend == "postgresql":
        url = make_url(POSTGRES_ADMIN_URL).set(port=free_port(), database="catalog")
        engine = create_engine(url.render_as_string(hide_password=False))
    else:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'catalog.db'}")
    yield engine
    await engine.dispose()


def _assert_not_ready(response: httpx.Response, detail: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["code"] == 503
    assert body["type"] == "service_unavailable"
    assert body["detail"] == detail
    assert body["requestId"] == response.headers["x-request-id"]


@pytest.mark.parametrize("path", READY_PATHS)
async def test_ready_at_head(migrated_template, path):
    engine = create_engine(migrated_template)
    try:
        async with _client(engine) as http:
            response = await http.get(path, headers={"X-Request-ID": "probe-1"})
    finally:
        await engine.dispose()
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "revision": head_revision()}
    assert response.headers["x-request-id"] == "probe-1"


async def test_livez_never_touches_the_database(down_engine):
    async with _client(down_engine) as http:
        response = await http.get("/livez")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("path", READY_PATHS)
async def test_behind_head_is_503_with_what_to_run(engine_at_0002, path):
    async with _client(engine_at_0002) as http:
        response = await http.get(path)
        live = await http.get("/livez")
    head = head_revision()
    _assert_not_ready(response, f"schema is at 0002, head is {head}: run `catalog db upgrade`")
    assert live.status_code == 200


@pytest.mark.parametrize("path", READY_PATHS)
async def test_never_migrated_is_not_called_unavailable(never_migrated, path):
    async with _client(never_migrated) as http:
        response = await http.get(path)
    _assert_not_ready(
        response,
        f"the database has no schema (head is {head_revision()}): run `catalog db upgrade`",
    )


@pytest.mark.parametrize("path", READY_PATHS)
async def test_database_down_is_503_json_without_traceback(down_engine, path, caplog):
    caplog.set_level(logging.DEBUG)
    async with _client(down_engine) as http:
        response = await http.get(path)
        live = await http.get("/livez")
    _assert_not_ready(response, "the database is unavailable")
    assert live.status_code == 200
    assert "5432" not in response.text and "Errno" not in response.text
    logged = [r for r in caplog.records if r.name == "app.http"]
    assert [r.getMessage() for r in logged] == ["not ready: the database is unavailable"]
    assert all(r.exc_info is None for r in caplog.records)
