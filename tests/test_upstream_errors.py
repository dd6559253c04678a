"""A database that cannot be reached is the upstream's failure: 502 `bad_gateway` (504 for a
timeout), with the envelope and no SQL, on GraphQL, on REST and during token lookup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from app.db.engine import create_engine
from app.db.failures import upstream_error
from tests.conftest import client_for

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
