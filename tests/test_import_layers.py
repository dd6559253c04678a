"""The HTTP edge (app/http/) does not depend on GraphQL (app/graphql/): the GraphQL view uses
the edge (request id, envelope, negotiation), never the other way round, so there is no
import cycle between the two packages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_no_http_module_imports_graphql_statically() -> None:
    offenders = {
        f"{path.name}: {name}"
        for path in (APP / "http").glob("*.py")
        for name in _imports(path)
        if name == "app.graphql" or name.startswith("app.graphql.")
    }
    assert offenders == set()


def test_importing_the_http_edge_loads_no_graphql_module() -> None:
    modules = sorted(f"app.http.{path.stem}" for path in (APP / "http").glob("*.py"))
    assert "app.http.request_id" in modules
    probe = (
        f"import sys; import {', '.join(modules)}; "
        "print(sorted(m for m in sys.modules if m.startswith('app.graphql')))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=APP.parent, check=True
    )
    assert run.stdout.strip() == "[]"
