"""The README's "Calling the API" section runs as written: its curl commands, the paging walk
with `endCursor`, and the Apollo Client (Node) and Python `gql` snippets, against a server with
the demo catalog. The two clients must walk the same pages to the same models.

Needs curl and jq for the shell blocks, Node with tests/clients' packages (`npm ci`, done by
scripts/install) for Apollo Client; each is skipped with the reason where absent, except under
CI=true.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from app.settings import PROJECT_ROOT
from tests.http_support import require_tool, running_server

README = PROJECT_ROOT / "README.md"
CLIENTS_DIR = Path(__file__).resolve().parent / "clients"
SECTION = "## Calling the API: curl, paging, clients"
DOCUMENTED_BASE = "http://127.0.0.1:8000"
META_TOTAL = '{ models(filter: {organization: "meta"}) { totalCount } }'


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    section = text[start : text.index("\n## ", start + len(SECTION))]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    with running_server(tmp_path_factory.mktemp("readme"), env={"CATALOG_RATE_LIMIT": "0"}) as base:
        yield base


def _meta_models(base: str) -> int:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": META_TOTAL}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        total: int = json.load(response)["data"]["models"]["totalCount"]
        return total


def _walk(output: str, base: str) -> dict:
    result: dict = json.loads(output.strip().splitlines()[-1])
    assert result["count"] == _meta_models(base) == len(set(result["names"])) > 2, result
    assert all(name.startswith("meta/") for name in result["names"])
    return result


def test_the_curl_commands_answer_json_without_errors(server: str) -> None:
    bash = require_tool("bash", "the README's shell blocks")
    require_tool("curl", "the README's examples use curl")
    require_tool("jq", "the README's paging walk uses jq")
    blocks = [b for b in _blocks("sh") if "curl" in b and "/metrics" not in b]
    assert len(blocks) == 3  # GraphQL, REST, the paging walk
    commands = sum(block.count("curl -s") for block in blocks)
    assert commands == 2 + 7 + 2
    for block in blocks:
        script = (
            "set -euo pipefail\n"
            # An HTTP error status fails the block (the README's commands use plain -s).
            'curl() { command curl --fail-with-body "$@"; echo; }\n'
            + block.replace(DOCUMENTED_BASE, server)
        )
        run = subprocess.run([bash, "-c", script], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, (block, run.stdout[-2000:], run.stderr[-2000:])
        outputs = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
        assert outputs and all("errors" not in output for output in outputs), run.stdout
    walk = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    first, second = walk
    assert first["pageInfo"]["hasNextPage"] and len(first["names"]) == 2
    assert not set(first["names"]) & set(second["names"])


def test_the_python_gql_snippet_walks_every_page(server: str) -> None:
    (snippet,) = _blocks("python")
    run = subprocess.run(
        [sys.executable, "-c", snippet],
        env={**os.environ, "CATALOG_URL": server},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    _walk(run.stdout, server)


def test_the_apollo_client_snippet_walks_the_same_pages(server: str, tmp_path: Path) -> None:
    node = require_tool("node", "the Apollo Client snippet runs on Node")
    if not (CLIENTS_DIR / "node_modules" / "@apollo" / "client").is_dir():
        npm = require_tool("npm", "tests/clients' packages are installed with npm ci")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=CLIENTS_DIR, check=True)
    (snippet,) = _blocks("js")
    # Next to a link to tests/clients' node_modules, so that its imports resolve.
    (tmp_path / "node_modules").symlink_to(CLIENTS_DIR / "node_modules")
    script = tmp_path / "apollo.mjs"
    script.write_text(snippet, encoding="utf-8")
    run = subprocess.run(
        [node, str(script)],
        env={**os.environ, "CATALOG_URL": server},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    apollo = _walk(run.stdout, server)
    python = subprocess.run(
        [sys.executable, "-c", _blocks("python")[0]],
        env={**os.environ, "CATALOG_URL": server},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert apollo == json.loads(python.stdout.strip().splitlines()[-1])
