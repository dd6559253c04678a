"""The graphql-http audit suite (npm graphql-http 1.23.1, tests/http_audit/) against a running
server: every one of its 61 audits must be "ok" (none "warn", none "error").

Needs Node and npm (skipped with the reason where absent, except CI=true, where that fails);
scripts/install runs `npm ci` in tests/http_audit/.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.http_support import require_tool, running_server

AUDIT_DIR = Path(__file__).resolve().parent / "http_audit"
EXPECTED_AUDITS = 61


def _ensure_packages(npm: str) -> None:
    if not (AUDIT_DIR / "node_modules" / "graphql-http").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=AUDIT_DIR, check=True)


def test_graphql_http_audits_all_pass(tmp_path: Path) -> None:
    node = require_tool("node", "the graphql-http audit suite runs on Node")
    npm = require_tool("npm", "the audit suite's packages are installed with npm ci")
    _ensure_packages(npm)
    with running_server(tmp_path, seed=False) as base:
        run = subprocess.run(
            [node, "audit.mjs", f"{base}/graphql"],
            cwd=AUDIT_DIR,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    failures = [r for r in report["results"] if r["status"] != "ok"]
    assert failures == [], json.dumps(failures, indent=2)
    assert (report["total"], report["ok"]) == (EXPECTED_AUDITS, EXPECTED_AUDITS)
