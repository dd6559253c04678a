"""A database that cannot be reached is the upstream's failure: 502 `bad_gateway` (504 for a
timeout), with the envelope and no SQL, on GraphQL, on REST and during token lookup."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url

from app.db.engine import create_engine
from app.db.failures import upstream_error
from tests.access_support import Tokens, make_orgs_and_tokens
from tests.conftest import client_for
from tests.test_download_counter import RECORD
from tests.test_health import CuttableProxy
from tests.test_publish import PUBLISH, create_model, version_input

TOKEN = "Bearer mcat_" + "A" * 43

UNREACHABLE = {
    # A file in a directory that does not exist: SQLite cannot open it.
    "sqlite": lambda tmp: f"sqlite+aiosqlite:///{tmp}/missing-dir/catalog.db",
    # Port 9 (discard) on loopback: nothing listens, the connection is refused.
    "postgresql": lambda tmp: "postgresql+asyncpg://postgres@127.0.0.1:9/none",
}


@pytest.fixture(params=sorted(UNREACHABLE))
async def down_client(request, tmp_path: Path):
    engine = create_engine(UNREACHABLE[request.param](tmp_path))
    async with client_for(engine) as http:
        yield http
    await engine.dispose()


def assert_bad_gateway(body: dict) -> None:
    assert (body["code"], body["type"]) == (502, "bad_gateway")
    assert "select" not in body["detail"].lower() and body["requestId"]


async def test_graphql_reports_bad_gateway(down_client):
    response = await down_client.post(
        "/graphql", json={"query": '{ model(org: "a", name: "b") { id } }'}
    )
    [error] = response.json()["errors"]
    assert_bad_gateway(error["extensions"])


async def test_rest_answers_502_with_the_envelope(down_client):
    response = await down_client.get("/v1/models")
    assert response.status_code == 502
    assert_bad_gateway(response.json())


async def test_token_lookup_answers_502(down_client):
    response = await down_client.post(
        "/graphql", json={"query": "{ viewer { role } }"}, headers={"Authorization": TOKEN}
    )
    assert response.status_code == 502
    assert_bad_gateway(response.json())


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (sa_exc.TimeoutError("pool"), ("gateway_timeout", 504)),
        (TimeoutError(), ("gateway_timeout", 504)),
        (sa_exc.DBAPIError("SELECT 1", {}, _PgError("57014")), ("gateway_timeout", 504)),
        (sa_exc.DBAPIError("SELECT 1", {}, _PgError("08006")), ("bad_gateway", 502)),
        (
            sa_exc.OperationalError("SELECT 1", {}, Exception("unable to open")),
            ("bad_gateway", 502),
        ),
        (ConnectionRefusedError(), ("bad_gateway", 502)),
        (sa_exc.DBAPIError("SELECT 1", {}, _PgError("3D000")), ("bad_gateway", 502)),
        (sa_exc.DBAPIError("SELECT 1", {}, _PgError("28P01")), ("bad_gateway", 502)),
        (sa_exc.DBAPIError("SELECT 1", {}, _PgError("55P03")), ("gateway_timeout", 504)),
        (sa_exc.ProgrammingError("SELECT 1", {}, _PgError("42P01")), ("schema_not_migrated", 503)),
        (sa_exc.ProgrammingError("SELECT 1", {}, _PgError("42703")), ("schema_not_migrated", 503)),
        (
            sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: m")),
            ("schema_not_migrated", 503),
        ),
        (
            sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked")),
            ("gateway_timeout", 504),
        ),
        # Caused by the request's values: never bad_gateway.
        (sa_exc.DBAPIError("SELECT 1", {}, _PgError("22P02")), ("validation_error", 422)),
        (sa_exc.DBAPIError("SELECT 1", {}, _PgError("22003")), ("validation_error", 422)),
        (
            sa_exc.OperationalError(
                "SELECT 1", {}, sqlite3.OperationalError("LIKE or GLOB pattern too complex")
            ),
            ("validation_error", 422),
        ),
        (
            OverflowError("Python int too large to convert to SQLite INTEGER"),
            ("validation_error", 422),
        ),
    ],
)
def test_upstream_error_classification(error, expected):
    failure = upstream_error(error)
    assert failure is not None and (failure.type, failure.code) == expected
    assert "SELECT" not in failure.detail


@pytest.mark.parametrize(
    "error",
    [
        ValueError("a bug"),
        sa_exc.IntegrityError("INSERT", {}, _PgError("23505")),
        sa_exc.DBAPIError("SELECT 1", {}, _PgError("42601")),  # a syntax error is ours
        sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("near x: syntax error")),
    ],
)
def test_other_failures_stay_internal(error):
    assert upstream_error(error) is None


async def test_a_stopped_postgresql_answers_envelopes_and_recovers(databases, seeded_template):
    """A PostgreSQL of the test's own (a proxy in front of a private copy, which the test
    stops and starts): while it is down every answer is the 502 envelope with no driver text,
    a keyed write writes nothing; once it is back, reads answer and the retried write counts
    once."""
    if databases.backend != "postgresql":
        pytest.skip("a proxy in front of PostgreSQL; SQLite has no server to stop")
    url = await databases.copy(seeded_template, "stopped")
    direct = create_engine(url)
    tokens = await make_orgs_and_tokens(direct)
    await direct.dispose()
    target = make_url(url)
    proxy = CuttableProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    engine = create_engine(target.set(port=proxy.port).render_as_string(hide_password=False))
    keyed = {**Tokens.header(tokens.acme_writer), "Idempotency-Key": "outage-1"}
    read = {"query": '{ model(org: "meta", name: "llama-chat-8b") { canonicalName } }'}
    try:
        async with client_for(engine) as http:
            await create_model(http, tokens.acme_writer)
            published = await http.post(
                "/graphql",
                json={"query": PUBLISH, "variables": {"input": version_input()}},
                headers=Tokens.header(tokens.acme_writer),
            )
            assert "errors" not in published.json()
            await proxy.stop()
            for response in (
                await http.post("/graphql", json=read),
                await http.get("/v1/models/meta/llama-chat-8b"),
                await http.post("/graphql", json={"query": RECORD}, headers=keyed),
            ):
                body = response.json()
                envelope = body["errors"][0]["extensions"] if "errors" in body else body
                assert (envelope["code"], envelope["type"]) == (502, "bad_gateway"), body
                assert response.headers["X-Request-ID"]
                for leak in ("127.0.0.1", str(proxy.port), "asyncpg", "Errno", "SELECT"):
                    assert leak not in response.text, (leak, response.text)
            await proxy.start()  # back, on the same port
            await asyncio.sleep(0.05)
            body = (await http.post("/graphql", json=read)).json()
            assert body["data"]["model"] == {"canonicalName": "meta/llama-chat-8b"}, body
            first = await http.post("/graphql", json={"query": RECORD}, headers=keyed)
            again = await http.post("/graphql", json={"query": RECORD}, headers=keyed)
            assert first.json()["data"]["recordDownload"]["downloadCount"] == 1, first.text
            assert again.content == first.content
    finally:
        await engine.dispose()
        if proxy.server is not None and proxy.server.is_serving():
            await proxy.stop()
