"""Scripted check: a write answered by one worker is seen by a read on another, at once.

Usage (the database migrated and seeded; the cache on in both workers):
    DATABASE_URL=postgresql+asyncpg://... REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python scripts/check_cache_workers.py [ROUNDS]

Starts two `catalog serve` processes (two workers, ports picked free) over DATABASE_URL, makes
an organization `cachecheck-<pid>` with a writer token, then ROUNDS times: reads a model page
and the model on worker B twice (so B holds them in its cache), changes the model's description
through worker A, and reads it on B right after A's answer. Prints how many reads saw the write
and the cache counters B reported (CATALOG_DEBUG=1 marks answers HIT/MISS). Exit status 0 only
when every read saw its write.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Any

CLI = [sys.executable, "-m", "app.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post(base: str, query: str, variables: Any = None, token: str | None = None) -> Any:
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{base}/graphql", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def main() -> int:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    env = {**os.environ, "CATALOG_RESPONSE_CACHE": "on", "CATALOG_DEBUG": "1"}
    env["CATALOG_RATE_LIMIT"] = "0"
    slug = f"cachecheck-{os.getpid()}"
    subprocess.run([*CLI, "org", "create", slug], env=env, check=True, capture_output=True)
    created = subprocess.run(
        [*CLI, "token", "create", "--org", slug, "--role", "writer"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    token = created.stdout.split()[-1]
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [*CLI, "serve", "--port", str(port)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for port in ports
    ]
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        for base in (a, b):
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/livez", timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.1)
        create = "mutation($i: CreateModelInput!) { createModel(input: $i) { id } }"
        post(a, create, {"i": {"organization": slug, "slug": "probe", "name": "Probe"}}, token)
        read = f'{{ model(org: "{slug}", name: "probe") {{ description }} }}'
        update = """mutation($d: String!) {
            updateModel(org: "%s", name: "probe", input: {description: $d}) { id } }""" % slug
        seen, hits_before = 0, 0
        for n in range(rounds):
            post(b, read)
            if post(b, read)["extensions"]["cache"] == "HIT":
                hits_before += 1
            done = post(a, update, {"d": f"round {n}"}, token)
            assert "errors" not in done, done
            answer = post(b, read)
            seen += answer["data"]["model"]["description"] == f"round {n}"
        database = os.environ.get("DATABASE_URL", "sqlite").split("://")[0]
        shared = "with Redis" if os.environ.get("REDIS_URL") else "without Redis"
        print(
            f"{database}, two workers {shared}: {seen}/{rounds} reads on worker B right after "
            f"a write on worker A saw it; B's read before each write was a cache hit "
            f"{hits_before}/{rounds} times"
        )
        return 0 if seen == rounds else 1
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    raise SystemExit(main())
