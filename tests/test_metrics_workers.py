"""`catalog serve --workers 2`: `/metrics` adds up both worker processes (prometheus-client's
multiprocess mode), so its request and statement counters move by exactly what was served,
whichever worker served it; `catalog import` run with the same PROMETHEUS_MULTIPROC_DIR adds
its counters to the server's."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import client_for, count_statements
from tests.databases import DatabaseFactory
from tests.metrics_support import Samples, parse_samples, value
from tests.test_metrics import QUERY, _litellm_file

CATALOG = Path(sys.executable).parent / "catalog"
REQUESTS = 40
PROBE = {"route": "/graphql", "method": "POST", "operation": "MetricsProbe", "status": "200"}
PROBE_OP = {"route": "/graphql", "operation": "MetricsProbe"}


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        text: str = response.read().decode()
        return text


def _post_probe(url: str) -> int:
    request = urllib.request.Request(
        url, data=httpx.Request("POST", url, json={"query": QUERY}).read(), method="POST"
    )
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read())
        assert body["data"]["model"]["canonicalName"] == "meta/llama-3-1-70b-instruct"
        status: int = response.status
        return status


def _worker_pids(directory: Path) -> set[str]:
    return {f.stem.rsplit("_", 1)[-1] for f in directory.glob("counter_*.db")}


def _scrape(base: str) -> Samples:
    return parse_samples(_get(f"{base}/metrics"))


async def _statements_per_probe(engine: AsyncEngine) -> int:
    # The resolver path, as the workers below run it (CATALOG_COMPILER=off).
    async with client_for(engine, compiler=False) as http:
        await http.post("/graphql", json={"query": QUERY})  # warm: the same path as below
        with count_statements(engine) as counter:
            assert (await http.post("/graphql", json={"query": QUERY})).status_code == 200
    return counter.count


async def test_two_workers_add_up(
    databases: DatabaseFactory, fresh_engine: AsyncEngine, tmp_path: Path
):
    url = fresh_engine.url.render_as_string(hide_password=False)
    per_probe = await _statements_per_probe(fresh_engine)
    metrics_dir = tmp_path / "metrics"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CATALOG_RATE_LIMIT": "0",
        # Every probe computed on one path (a cache hit runs no SQL; a document's first sight
        # is the resolvers', later ones compiled): the statements add up exactly.
        "CATALOG_RESPONSE_CACHE": "off",
        "CATALOG_COMPILER": "off",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [str(CATALOG), "serve", "--port", "0", "--workers", "2"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=sink,
        )
        try:
            assert server.stdout is not None
            first = await asyncio.wait_for(asyncio.to_thread(server.stdout.readline), 60)
            base = first.decode().split()[1].removesuffix("/graphql")
            # Both workers up and serving: each has written its counter file (concurrent
            # requests, as an idle worker tends to win every accept of sequential ones).
            for _ in range(300):
                try:
                    await asyncio.to_thread(_get, f"{base}/livez")
                    break
                except OSError:
                    time.sleep(0.1)
            for _ in range(50):
                with ThreadPoolExecutor(16) as pool:
                    list(pool.map(_get, [f"{base}/livez"] * 32))
                if len(_worker_pids(metrics_dir)) >= 2:
                    break
            workers = _worker_pids(metrics_dir)
            before = await asyncio.to_thread(_scrape, base)
            with ThreadPoolExecutor(8) as pool:
                statuses = list(pool.map(_post_probe, [f"{base}/graphql"] * REQUESTS))
            assert statuses == [200] * REQUESTS
            after = await asyncio.to_thread(_scrape, base)

            imported = subprocess.run(
                [str(CATALOG), "import", "litellm", str(_litellm_file(tmp_path / "litellm"))],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert imported.returncode == 1, imported.stderr  # one row skipped, by design
            with_import = await asyncio.to_thread(_scrape, base)
        finally:
            server.send_signal(signal.SIGINT)
            server.communicate(timeout=30)
    output = log.read_text()
    assert "Traceback" not in output, output[-3000:]

    requests = value(after, "catalog_http_requests_total", PROBE) - value(
        before, "catalog_http_requests_total", PROBE
    )
    statements = value(after, "catalog_sql_statements_total", PROBE_OP) - value(
        before, "catalog_sql_statements_total", PROBE_OP
    )
    print(
        f"\n{databases.backend}, 2 workers (pids with counters: {sorted(workers)}): "
        f"{REQUESTS} requests sent, requests counter +{requests:g}, statements counter "
        f"+{statements:g} (expected {REQUESTS} x {per_probe} = {REQUESTS * per_probe})"
    )
    assert len(workers) == 2, workers  # both workers served and both are counted
    assert per_probe > 1
    assert requests == REQUESTS
    assert statements == REQUESTS * per_probe
    histogram = "catalog_http_request_duration_seconds_count"
    assert value(after, histogram, PROBE_OP) - value(before, histogram, PROBE_OP) == REQUESTS
    runs = {"source": "litellm", "outcome": "skipped_rows"}
    assert value(with_import, "catalog_import_runs_total", runs) == 1
    created = {"source": "litellm", "kind": "models", "result": "created"}
    assert value(with_import, "catalog_import_rows_total", created) == 2
    # Live gauges: two pools of the configured size, nothing checked out when idle.
    # No request holds a connection any more; the live catalog's event hub may hold one per
    # worker (its listener), never more.
    assert value(with_import, "catalog_db_pool_connections_in_use") <= 2
