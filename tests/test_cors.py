"""CORS: a page on another origin calls the API only when CATALOG_CORS_ORIGINS allows it.

The browser test serves one page from two loopback ports (two origins), one allowed and one
not, and runs it in headless Chromium (Debian's `chromium`; skipped with the reason where
absent, except CI=true); the page POSTs a query to /graphql (a preflighted request: JSON, a
bearer header) and GETs a REST route, and writes what it got into the DOM.
"""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.main import create_app
from app.settings import Settings
from app.settings_ops import cors_origins
from tests.http_support import free_port, require_tool, running_server

PAGE = """<!doctype html><html><body><pre id="out">pending</pre><script>
const api = new URLSearchParams(location.search).get("api");
const out = (text) => { document.getElementById("out").textContent = text; };
(async () => {
  const results = [];
  try {
    const response = await fetch(api + "/graphql", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-Request-ID": "cors-browser-1"},
      body: JSON.stringify({query: '{ model(org: "meta", name: "llama-3-1-70b-instruct") { canonicalName } }'}),
    });
    const body = await response.json();
    results.push("GRAPHQL " + body.data.model.canonicalName + " id=" + response.headers.get("X-Request-ID"));
    const rest = await fetch(api + "/v1/models?limit=1", {headers: {"X-API-Version": "1"}});
    results.push("REST " + rest.status + " " + (await rest.json()).models.length);
    out("ALLOWED " + results.join(" | "));
  } catch (error) {
    out("REFUSED " + error.name + " after [" + results.join(" | ") + "]");
  }
})();
</script></body></html>"""


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return None


@contextmanager
def page_server(port: int) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def _page_result(chromium: str, url: str, profile: Path) -> str:
    run = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
            "--proxy-server=127.0.0.1:9",
            "--proxy-bypass-list=127.0.0.1",
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = re.search(r'<pre id="out">(.*?)</pre>', run.stdout, re.S)
    assert found, run.stdout[-2000:]
    return found.group(1)


def test_a_page_on_an_allowed_origin_can_query_and_another_cannot(tmp_path: Path) -> None:
    chromium = require_tool("chromium", "the CORS test drives headless Chromium")
    allowed_port, other_port = free_port(), free_port()
    allowed = f"http://127.0.0.1:{allowed_port}"
    env = {"CATALOG_CORS_ORIGINS": allowed, "CATALOG_RATE_LIMIT": "0"}
    with (
        running_server(tmp_path, env=env) as api,
        page_server(allowed_port) as good,
        page_server(other_port) as bad,
    ):
        ok = _page_result(chromium, f"{good}/?api={api}", tmp_path / "p1")
        refused = _page_result(chromium, f"{bad}/?api={api}", tmp_path / "p2")
    print(f"\nallowed origin {good}: {ok}\nother origin {bad}: {refused}")
    assert ok == "ALLOWED GRAPHQL meta/llama-3-1-70b-instruct id=cors-browser-1 | REST 200 1"
    assert refused == "REFUSED TypeError after []"


# --- the headers, in-process ---------------------------------------------------------------

ORIGIN = "https://app.example.com"


def _client(engine: AsyncEngine, origins: str | None) -> httpx.AsyncClient:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        cors_origins=cors_origins(origins),
    )
    transport = httpx.ASGITransport(app=create_app(settings, engine))
    return httpx.AsyncClient(transport=transport, base_url="http://catalog.test")


def _preflight(method: str, headers: str = "content-type, authorization", origin: str = ORIGIN):
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": headers,
    }


async def test_preflights_answer_each_routes_methods(seeded_engine: AsyncEngine):
    async with _client(seeded_engine, f"{ORIGIN}, http://localhost:3000") as http:
        graphql = await http.options("/graphql", headers=_preflight("POST"))
        assert graphql.status_code == 200
        assert graphql.headers["access-control-allow-origin"] == ORIGIN
        assert graphql.headers["access-control-allow-methods"] == "GET, HEAD, POST"
        allowed_headers = graphql.headers["access-control-allow-headers"].lower()
        assert "authorization" in allowed_headers and "x-request-id" in allowed_headers
        assert "access-control-allow-credentials" not in graphql.headers
        assert graphql.headers["x-request-id"]

        rest = await http.options("/v1/models/meta/x", headers=_preflight("GET", "x-api-version"))
        assert rest.status_code == 200
        assert rest.headers["access-control-allow-methods"] == "GET, HEAD"
        post_to_rest = await http.options("/v1/models", headers=_preflight("POST"))
        assert post_to_rest.status_code == 400
        assert "POST" not in post_to_rest.headers["access-control-allow-methods"]
        assert post_to_rest.json()["detail"] == "Disallowed CORS method"

        stranger = await http.options(
            "/graphql", headers=_preflight("POST", origin="https://evil.example")
        )
        assert stranger.status_code == 400
        assert "access-control-allow-origin" not in stranger.headers
        envelope = stranger.json()
        assert envelope["type"] == "invalid_request" and envelope["detail"].startswith(
            "Disallowed CORS origin"
        )
        assert envelope["requestId"] == stranger.headers["x-request-id"]

        odd_header = await http.options("/graphql", headers=_preflight("POST", "x-unknown"))
        assert odd_header.status_code == 400

        actual = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": ORIGIN}
        )
        assert actual.status_code == 200
        assert actual.headers["access-control-allow-origin"] == ORIGIN
        assert "x-request-id" in actual.headers["access-control-expose-headers"].lower()
        assert "origin" in actual.headers["vary"].lower()
        refused = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in refused.headers


async def test_no_cors_by_default_and_star_without_credentials(seeded_engine: AsyncEngine):
    async with _client(seeded_engine, None) as http:
        response = await http.options("/graphql", headers=_preflight("POST"))
        assert response.status_code == 405  # the route takes GET and POST, nothing answers CORS
        assert "access-control-allow-origin" not in response.headers
    async with _client(seeded_engine, "*") as http:
        response = await http.options("/graphql", headers=_preflight("POST"))
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ()),
        ("", ()),
        ("*", ("*",)),
        (
            "https://App.Example.com/, http://localhost:3000",
            ("https://app.example.com", "http://localhost:3000"),
        ),
    ],
)
def test_origins_setting(value, expected):
    assert cors_origins(value) == expected


@pytest.mark.parametrize(
    "value", ["*, https://a.example", "app.example.com", "https://a.example/x", "ftp://a.example"]
)
def test_origins_setting_refuses_what_is_not_an_origin(value):
    with pytest.raises(ValueError, match="CATALOG_CORS_ORIGINS"):
        cors_origins(value)


def test_origins_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CATALOG_CORS_ORIGINS", "http://127.0.0.1:5173")
    assert Settings.from_env().cors_origins == ("http://127.0.0.1:5173",)
    assert json.dumps(Settings().cors_origins) == "[]"
