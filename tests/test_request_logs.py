"""Log lines while serving: one line per request with its fields, and the request id on every
line written for it, errors and tracebacks included (JSON and text formats)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.graphql import prefetch
from app.http.log_redaction import RedactSecrets
from app.main import create_app
from app.observability.logs import JsonFormatter, RequestContextFilter, TextFormatter
from app.settings import Settings
from tests.access_support import Tokens
from tests.conftest import client_for

QUERY = 'query Broken { model(org: "meta", name: "llama-3-1-70b-instruct") { canonicalName } }'


@contextmanager
def captured(formatter: logging.Formatter) -> Iterator[io.StringIO]:
    """What `catalog serve`'s handler would write: every `app` and root line, formatted."""
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(formatter)
    handler.addFilter(RequestContextFilter())
    handler.addFilter(RedactSecrets())
    app_logger = logging.getLogger("app")
    old_level = app_logger.level
    app_logger.addHandler(handler)
    app_logger.setLevel(logging.INFO)
    try:
        yield sink
    finally:
        app_logger.removeHandler(handler)
        app_logger.setLevel(old_level)


def _explode(*_args, **_kwargs):
    raise RuntimeError("connection to db-7.internal failed: SELECT secret_column")


async def test_a_failing_requests_json_lines_carry_its_request_id(
    seeded_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(prefetch, "models", _explode)
    with captured(JsonFormatter()) as sink:
        # The resolver path (the broken function is one of its prefetches).
        async with client_for(seeded_engine, compiler=False) as http:
            response = await http.post(
                "/graphql", json={"query": QUERY}, headers={"X-Request-ID": "fail-req-1"}
            )
            await http.get("/livez", headers={"X-Request-ID": "other-req-2"})
    body = response.json()
    assert body["errors"][0]["extensions"]["type"] == "internal_error"
    assert "db-7" not in response.text
    lines = [json.loads(line) for line in sink.getvalue().splitlines()]
    mine = [line for line in lines if line["request_id"] == "fail-req-1"]
    assert {line["request_id"] for line in lines} == {"fail-req-1", "other-req-2"}
    error = next(line for line in mine if line["level"] == "error")
    assert "RuntimeError" in error["exception"]  # the traceback is in the log, with the id
    access = next(line for line in mine if line["logger"] == "app.access")
    assert access["route"] == "/graphql" and access["operation"] == "Broken"
    assert access["method"] == "POST" and access["status"] == 200
    assert access["sql_statements"] >= 1 and access["duration_ms"] > 0
    assert access["time"].endswith("Z") and access["organization"] is None
    assert len([line for line in lines if line["logger"] == "app.access"]) == 2


async def test_a_rest_failure_logs_with_its_request_id_in_text(
    seeded_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
):
    from app.rest.routes import RestApi

    monkeypatch.setattr(RestApi, "catalog_models", _explode)
    with captured(TextFormatter()) as sink:
        async with client_for(seeded_engine) as http:
            response = await http.get("/v1/models", headers={"X-Request-ID": "rest-fail-3"})
    assert response.status_code == 500
    text = sink.getvalue()
    assert "(request rest-fail-3)" in text and "Traceback" in text
    access = [line for line in text.splitlines() if "route=/v1/models" in line]
    assert len(access) == 1
    assert '"GET /v1/models HTTP/1.1" 500' in access[0]
    assert access[0].endswith("request_id=rest-fail-3")


async def test_the_request_line_names_the_organization_never_the_token(
    fresh_engine: AsyncEngine, tokens: Tokens
):
    secret = tokens.acme_reader
    with captured(JsonFormatter()) as sink:
        async with client_for(fresh_engine) as http:
            response = await http.get(
                f"/livez?x=1&access_token={secret}",
                headers={"Authorization": f"Bearer {secret}", "X-Request-ID": "org-req-4"},
            )
    assert response.status_code == 200
    assert secret not in sink.getvalue()
    (access,) = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert access["organization"] == "acme" and access["request_id"] == "org-req-4"
    assert access["query"] == "x=1&access_token=[REDACTED]" and access["route"] == "/livez"


async def test_the_request_line_can_be_turned_off(seeded_engine: AsyncEngine):
    settings = Settings(
        database_url=seeded_engine.url.render_as_string(hide_password=False), access_log=False
    )
    app = create_app(settings, seeded_engine)
    transport = httpx.ASGITransport(app=app)
    with captured(JsonFormatter()) as sink:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            assert (await http.get("/livez")).status_code == 200
    assert sink.getvalue() == ""


def test_log_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    assert Settings.from_env().access_log is False
    assert Settings.from_env().log_format == "text"
    monkeypatch.setenv("CATALOG_LOG_FORMAT", "JSON")
    monkeypatch.setenv("CATALOG_ACCESS_LOG", "0")
    settings = Settings.from_env()
    assert settings.log_format == "json" and settings.access_log is False
    monkeypatch.setenv("CATALOG_LOG_FORMAT", "xml")
    with pytest.raises(ValueError, match="CATALOG_LOG_FORMAT must be text or json"):
        Settings.from_env()


async def test_an_escaping_exception_keeps_the_request_id_for_the_servers_error_line(
    seeded_engine: AsyncEngine,
):
    """uvicorn logs "Exception in ASGI application" in the request's task after the app
    raised: the request id is still that task's, so the line carries it."""
    from starlette.requests import Request

    from app.observability.request_context import current_request_id

    async def boom(_: Request) -> None:
        raise RuntimeError("escaped")

    app = client_for(seeded_engine)._transport.app  # type: ignore[attr-defined]
    app.add_route("/boom", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=True)
    with captured(JsonFormatter()) as sink:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            with pytest.raises(RuntimeError, match="escaped"):
                await http.get("/boom", headers={"X-Request-ID": "escape-5"})
        assert current_request_id() == "escape-5"
        logging.getLogger("app.test").error("Exception in ASGI application")
    lines = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert [(line["logger"], line.get("status")) for line in lines] == [
        ("app.access", 500),
        ("app.test", None),
    ]
    assert {line["request_id"] for line in lines} == {"escape-5"}
