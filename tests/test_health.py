"""/livez, /readyz and /healthz on SQLite and PostgreSQL: up, down, behind head, never migrated."""

from __future__ import annotations

import asyncio
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


class CuttableProxy:
    """A TCP proxy in front of the shared PostgreSQL: cut its connections, stop, start again."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*self.target)
        self.writers += [writer, up_writer]

        async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))

    def cut(self) -> None:
        for writer in self.writers:
            writer.close()
        self.writers.clear()

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        self.cut()
        await self.server.wait_closed()


async def test_readyz_follows_the_database_down_and_back(
    databases: DatabaseFactory, migrated_template
):
    if databases.backend != "postgresql":
        pytest.skip("a proxy in front of PostgreSQL; SQLite has no server to lose")
    target = make_url(migrated_template)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    engine = create_engine(target.set(port=proxy.port).render_as_string(hide_password=False))
    try:
        async with _client(engine) as http:
            assert (await http.get("/readyz")).status_code == 200
            proxy.cut()  # the server "restarted": the pooled connection is dead
            await asyncio.sleep(0.05)
            assert (await http.get("/readyz")).status_code == 200
            await proxy.stop()  # the server is down
            _assert_not_ready(await http.get("/readyz"), "the database is unavailable")
            assert (await http.get("/livez")).status_code == 200
            await proxy.start()  # back, on the same port
            assert (await http.get("/readyz")).status_code == 200
    finally:
        await engine.dispose()
        if proxy.server is not None and proxy.server.is_serving():
            await proxy.stop()
