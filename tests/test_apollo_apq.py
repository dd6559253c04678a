"""Apollo Client's real PersistedQueryLink (npm @apollo/client, tests/apollo_apq/) pages
through `models` against a running server, on SQLite and PostgreSQL: the first hashed request
is answered PersistedQueryNotFound, the link retries with the query, later pages go by hash
alone (POST, and GET with `useGETForHashedQueries`), and every model is seen once.

Needs Node and npm (skipped with the reason where absent, except CI=true, where that fails);
scripts/install runs `npm ci` in tests/apollo_apq/.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.cache_support import workers
from tests.http_support import require_tool

APQ_DIR = Path(__file__).resolve().parent / "apollo_apq"
PAGE_SIZE = 7


@pytest.mark.parametrize("mode", ["post", "get"])
async def test_apollo_persisted_query_link_pages_through_models(
    fresh_engine: AsyncEngine, tmp_path: Path, mode: str
) -> None:
    node = require_tool("node", "Apollo Client runs on Node")
    npm = require_tool("npm", "Apollo Client is installed with npm ci")
    if not (APQ_DIR / "node_modules" / "@apollo" / "client").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=APQ_DIR, check=True)
    url = fresh_engine.url.render_as_string(hide_password=False)
    await fresh_engine.dispose()
    with workers(url, tmp_path, count=1) as (base,):
        run = subprocess.run(
            [node, "pages.mjs", f"{base}/graphql", str(PAGE_SIZE), mode],
            cwd=APQ_DIR, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["total"] > 2 * PAGE_SIZE
    assert len(report["names"]) == len(set(report["names"])) == report["total"]
    assert report["pages"] == -(-report["total"] // PAGE_SIZE)
    first, retry, *rest = report["requests"]
    assert (first["sentQuery"], first["sentHash"], first["notFound"]) == (False, True, True)
    assert (retry["sentQuery"], retry["status"]) == (True, 200)
    assert rest and all(r["sentHash"] and not r["sentQuery"] and r["status"] == 200 for r in rest)
    assert {r["method"] for r in rest} == {"GET" if mode == "get" else "POST"}
