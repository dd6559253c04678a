"""A real server for tests that drive the service from outside (Node, a browser).

`running_server()` migrates and seeds a temporary SQLite database, starts uvicorn on a free
loopback port in a subprocess and yields its base URL; it stops the server on exit.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.databases import in_ci

UVICORN = [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1"]
STARTUP_ATTEMPTS = 300  # x 0.1 s between attempts


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def require_tool(name: str, why: str) -> str:
    """The tool's path; skips (fails under CI=true) when it is not installed."""
    found = shutil.which(name)
    if found is None:
        reason = f"{name} is not installed ({why}); scripts/install sets it up"
        if in_ci():
            pytest.fail(f"{reason}; CI must run this test")
        pytest.skip(reason)
    return found


@contextmanager
def running_server(
    tmp_path: Path, *, seed: bool = True, env: dict[str, str] | None = None
) -> Iterator[str]:
    """`env`: more environment variables for the server (e.g. CATALOG_CORS_ORIGINS)."""
    database = tmp_path / "server.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{database}", **(env or {})}
    env.pop("CATALOG_DEBUG", None)
    cli = [sys.executable, "-m", "app.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    if seed:
        subprocess.run([*cli, "seed"], env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [*UVICORN, "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(STARTUP_ATTEMPTS):
            if server.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        else:
            pytest.fail("the server did not answer /healthz")
        if server.poll() is not None:
            pytest.fail(f"the server exited: {(tmp_path / 'server.log').read_text()}")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
