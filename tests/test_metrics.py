"""`/metrics`: Prometheus text that prometheus-client parses; its counters move by exactly the
requests, SQL statements, cache lookups, rate-limit refusals and import rows that happened."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_sessionmaker
from app.http.rate_limit import MemoryRateLimiter
from app.importers import run
from app.main import create_app
from app.observability import labels
from app.settings import Settings
from tests.conftest import client_for, count_statements
from tests.metrics_support import Samples, parse_samples, total, value

QUERY = """query MetricsProbe { model(org: "meta", name: "llama-3-1-70b-instruct") {
  canonicalName providers { providerName } topScores(limit: 2) { score } latestVersion { version }
} }"""
REQUESTS = "catalog_http_requests_total"
STATEMENTS = "catalog_sql_statements_total"


async def scrape(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return parse_samples(response.text)


async def test_requests_and_statements_move_by_what_was_served(seeded_engine: AsyncEngine):
    async with client_for(seeded_engine) as http:
        before = await scrape(http)
        with count_statements(seeded_engine) as counter:
            for _ in range(3):
                response = await http.post("/graphql", json={"query": QUERY})
                assert response.status_code == 200 and "errors" not in response.json()
        graphql_statements = counter.count
        with count_statements(seeded_engine) as counter:
            for _ in range(2):
                assert (await http.get("/v1/models?limit=2")).status_code == 200
            assert (await http.get("/v1/models/no-such/model")).status_code == 404
        rest_statements = counter.count
        after = await scrape(http)

    probe = {"route": "/graphql", "method": "POST", "operation": "MetricsProbe", "status": "200"}
    assert value(after, REQUESTS, probe) - value(before, REQUESTS, probe) == 3
    moved = value(after, STATEMENTS, {"route": "/graphql", "operation": "MetricsProbe"}) - value(
        before, STATEMENTS, {"route": "/graphql", "operation": "MetricsProbe"}
    )
    assert graphql_statements > 0 and moved == graphql_statements

    models = {"route": "/v1/models", "method": "GET", "status": "200"}
    assert total(after, REQUESTS, **models) - total(before, REQUESTS, **models) == 2
    missing = {"route": "/v1/models/{model_id:path}", "method": "GET", "status": "404"}
    assert total(after, REQUESTS, **missing) - total(before, REQUESTS, **missing) == 1
    rest = total(after, STATEMENTS, route="/v1/models") + total(
        after, STATEMENTS, route="/v1/models/{model_id:path}"
    )
    rest -= total(before, STATEMENTS, route="/v1/models") + total(
        before, STATEMENTS, route="/v1/models/{model_id:path}"
    )
    assert rest == rest_statements > 0

    # The histograms saw the same requests; the scrape itself is counted too.
    latency = "catalog_http_request_duration_seconds_count"
    probe_op = {"route": "/graphql", "operation": "MetricsProbe"}
    assert value(after, latency, probe_op) - value(before, latency, probe_op) == 3
    per_request = "catalog_sql_statements_per_request_sum"
    graphql_sum = total(after, per_request, route="/graphql") - total(
        before, per_request, route="/graphql"
    )
    assert graphql_sum == graphql_statements
    scrapes = {"route": "/metrics", "method": "GET", "operation": "", "status": "200"}
    assert value(after, REQUESTS, scrapes) - value(before, REQUESTS, scrapes) == 1

    # The document cache: the same text three times is at most one miss, then hits.
    hits = {"cache": "graphql_documents"}
    looked_up = (
        value(after, "catalog_cache_hits_total", hits)
        + value(after, "catalog_cache_misses_total", hits)
        - value(before, "catalog_cache_hits_total", hits)
        - value(before, "catalog_cache_misses_total", hits)
    )
    assert looked_up >= 3
    assert (
        value(after, "catalog_cache_hits_total", hits)
        - value(before, "catalog_cache_hits_total", hits)
        >= 2
    )

    # Idle again: nothing checked out; the pool's size is the engine's.
    assert value(after, "catalog_db_pool_connections_in_use") == 0
    assert value(after, "catalog_db_pool_size") >= 1


async def test_unknown_routes_and_operation_names_stay_bounded(seeded_engine: AsyncEngine):
    async with client_for(seeded_engine) as http:
        before = await scrape(http)
        for n in range(3):
            assert (await http.get(f"/nowhere/{n}")).status_code == 404
        # An operationName the document lacks is refused; it never becomes a label.
        bad_name = {"query": "{ __typename }", "operationName": "x y" * 40}
        assert (await http.post("/graphql", json=bad_name)).status_code == 400
        after = await scrape(http)
    unmatched = {"route": "unmatched", "method": "GET", "operation": "", "status": "404"}
    assert value(after, REQUESTS, unmatched) - value(before, REQUESTS, unmatched) == 3
    assert not any("/nowhere" in str(key) for key in after)
    assert not any("x y" in str(key) for key in after)


def test_operation_labels_are_capped_and_normalized(monkeypatch):
    monkeypatch.setattr(labels, "_known", set())
    assert labels.operation_label(None) == ""
    assert labels.operation_label("anonymous") == "anonymous"
    assert labels.operation_label("not a name") == labels.INVALID
    assert labels.operation_label("a" * 65) == labels.INVALID
    names = [f"Op{n}" for n in range(labels.MAX_OPERATIONS - 1)]
    assert [labels.operation_label(name) for name in names] == names
    assert labels.operation_label("OneTooMany") == labels.OTHER
    assert labels.operation_label("Op7") == "Op7"  # known names keep their label


async def test_rate_limit_refusals_are_counted(seeded_engine: AsyncEngine):
    settings = Settings(database_url=seeded_engine.url.render_as_string(hide_password=False))
    app = create_app(settings, seeded_engine, rate_limiter=MemoryRateLimiter(2))
    transport = httpx.ASGITransport(app=app, client=("10.9.9.9", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as http:
        before = await scrape(http)
        statuses = [
            (await http.post("/graphql", json={"query": "{ __typename }"})).status_code
            for _ in range(4)
        ]
        after = await scrape(http)  # /metrics is not limited
    assert statuses == [200, 200, 429, 429]
    refusals = "catalog_rate_limit_refusals_total"
    assert value(after, refusals) - value(before, refusals) == 2
    refused = {"route": "/graphql", "method": "POST", "status": "429"}
    assert total(after, REQUESTS, **refused) - total(before, REQUESTS, **refused) == 2


def _litellm_file(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    file = directory / "model_prices_and_context_window.json"
    entry = {"mode": "chat", "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}
    data = {
        "last_updated": "2026-01-01T00:00:00Z",
        "openai/metrics-probe-a": {**entry, "litellm_provider": "openai"},
        "openai/metrics-probe-b": {**entry, "litellm_provider": "openai"},
        "broken-entry": {"mode": "chat", "input_cost_per_token": 1e-6},
    }
    file.write_text(json.dumps(data))
    return file


async def test_import_runs_and_rows_are_counted(empty_engine: AsyncEngine, tmp_path: Path):
    path = _litellm_file(tmp_path / "litellm")
    async with client_for(empty_engine) as http:
        before = await scrape(http)
        report = await run.import_source(create_sessionmaker(empty_engine), "litellm", path)
        after = await scrape(http)
    assert len(report.problems) == 1 and report.tally("models")["created"] == 2
    runs = {"source": "litellm", "outcome": "skipped_rows"}
    assert (
        value(after, "catalog_import_runs_total", runs)
        - value(before, "catalog_import_runs_total", runs)
        == 1
    )
    for kind, tally in report.tallies.items():
        for result in ("created", "updated", "unchanged"):
            key = {"source": "litellm", "kind": kind, "result": result}
            moved = value(after, "catalog_import_rows_total", key) - value(
                before, "catalog_import_rows_total", key
            )
            assert moved == tally[result], (kind, result)
    skipped = {"source": "litellm", "kind": "any", "result": "skipped"}
    assert (
        value(after, "catalog_import_rows_total", skipped)
        - value(before, "catalog_import_rows_total", skipped)
        == 1
    )


def test_serve_sets_up_the_multiprocess_directory(monkeypatch, tmp_path: Path):
    from app.observability.multiprocess import MULTIPROC_DIR_VARIABLE, multiprocess_metrics

    monkeypatch.delenv(MULTIPROC_DIR_VARIABLE, raising=False)
    with multiprocess_metrics(1) as directory:
        assert directory is None and MULTIPROC_DIR_VARIABLE not in os.environ
    with multiprocess_metrics(2) as directory:
        assert directory is not None and directory.is_dir()
        assert os.environ[MULTIPROC_DIR_VARIABLE] == str(directory)
    assert not directory.exists() and MULTIPROC_DIR_VARIABLE not in os.environ

    given = tmp_path / "given"
    given.mkdir()
    (given / "counter_123.db").write_bytes(b"left from a previous run")
    monkeypatch.setenv(MULTIPROC_DIR_VARIABLE, str(given))
    with multiprocess_metrics(1) as directory:
        assert directory == given and list(given.iterdir()) == []
    assert given.is_dir()  # a directory given is kept
