"""Fixtures: every DB-backed test runs on SQLite and on PostgreSQL.

PostgreSQL tests skip with a reason where no server is reachable, except in CI (CI=true),
where an unreachable server is a failure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.commands.seed import load_seeds
from app.db.engine import create_engine, create_sessionmaker
from app.db.migrate import upgrade_engine
from app.main import create_app
from app.settings import PROJECT_ROOT, Settings
from tests.databases import DatabaseFactory, in_ci, postgres_available

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", params=BACKENDS)
async def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DatabaseFactory]:
    backend: str = request.param
    if backend == "postgresql":
        reason = await postgres_available()
        if reason is not None:
            if in_ci():
                pytest.fail(f"{reason}; CI must run the PostgreSQL tests")
            pytest.skip(reason)
    factory = DatabaseFactory(backend, tmp_path_factory.mktemp(backend), [])
    yield factory
    await factory.drop_all()


async def _prepare(url: str, *, seed: bool) -> None:
    engine = create_engine(url)
    try:
        await upgrade_engine(engine)
        if seed:
            await load_seeds(create_sessionmaker(engine), PROJECT_ROOT / "seeds")
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
async def migrated_template(databases: DatabaseFactory) -> str:
    url = await databases.create_empty("migrated")
    await _prepare(url, seed=False)
    return url


@pytest.fixture(scope="session")
async def seeded_template(databases: DatabaseFactory, migrated_template: str) -> str:
    url = await databases.copy(migrated_template, "seeded")
    await _prepare(url, seed=True)
    return url


@pytest.fixture(scope="session")
async def seeded_engine(seeded_template: str) -> AsyncIterator[AsyncEngine]:
    """The demo catalog, shared by read-only tests (never write through it)."""
    engine = create_engine(seeded_template)
    yield engine
    await engine.dispose()


@pytest.fixture
async def fresh_engine(
    databases: DatabaseFactory, seeded_template: str, seeded_engine: AsyncEngine
) -> AsyncIterator[AsyncEngine]:
    """A private copy of the demo catalog, for tests that write."""
    # PostgreSQL copies a template only while nobody is connected to it: close the shared
    # engine's idle pooled connections first (it reconnects on its next use). A field still
    # reading after an earlier test's response was sent can check one out again after that
    # dispose, so the copy disposes and retries while the template is busy.
    engine = create_engine(
        await databases.copy(seeded_template, "fresh", release=seeded_engine.dispose)
    )
    yield engine
    await engine.dispose()


@pytest.fixture
async def empty_engine(
    databases: DatabaseFactory, migrated_template: str
) -> AsyncIterator[AsyncEngine]:
    """A migrated database with no rows."""
    engine = create_engine(await databases.copy(migrated_template, "empty"))
    yield engine
    await engine.dispose()


def client_for(engine: AsyncEngine, **settings_overrides: Any) -> httpx.AsyncClient:
    """An ASGI client of the app over `engine`; `settings_overrides` (e.g. `compiler=False`
    for a test of the resolver path) go to its Settings."""
    # The per-request log line on (off by default for throughput): every test exercises it.
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        access_log=True,
        **settings_overrides,
    )
    app = create_app(settings, engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://catalog.test")


@pytest.fixture
async def client(seeded_engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(seeded_engine) as http:
        yield http


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[StatementCounter]:
    counter = StatementCounter()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK")):
            counter.statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def gql(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def tokens(fresh_engine: AsyncEngine) -> Any:
    """Organizations acme and globex, with tokens, in the test's private database."""
    from tests.access_support import make_orgs_and_tokens

    return await make_orgs_and_tokens(fresh_engine)


@pytest.fixture
async def write_client(fresh_engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """A client over the test's private copy of the demo catalog (writes allowed)."""
    async with client_for(fresh_engine) as http:
        yield http
