"""Latency of the live catalog: from an event's commit to a subscriber and to a webhook.

For each backend a fresh database is migrated and seeded; uvicorn workers serve it (SQLite:
one; PostgreSQL: two, the subscriber on one and the writes through the other, woken by
NOTIFY). A graphql-transport-ws subscriber (`aliasMoved`) and a loopback webhook receiver
(ALIAS_MOVED) wait while N alias moves are made one after the other over HTTP. Latency is the
arrival time minus the event's `occurredAt` (written in the command's transaction, just before
its commit; same machine, same clock), so it slightly over-counts the commit itself.

A benchmark, not a test: it prints figures. Usage: scripts/bench-events [--events N]
[--backends sqlite,postgresql]. PostgreSQL: CATALOG_BENCH_POSTGRES_URL (default
$CATALOG_TEST_POSTGRES_URL or postgresql+asyncpg://postgres@127.0.0.1:5432/test): a database
is created there and dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import websockets
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get(
    "CATALOG_BENCH_POSTGRES_URL",
    os.environ.get(
        "CATALOG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    ),
)
MOVE = """mutation($v: String!) {
  setAlias(org: "meta", name: "llama-chat-8b", alias: "bench", version: $v) { name } }"""
HOOK = """mutation($url: String!) { createWebhook(input: {url: $url,
  secret: "bench-secret-0123456789", events: [ALIAS_MOVED]}) { id } }"""
SUBSCRIBE = """subscription { aliasMoved(org: "meta", name: "llama-chat-8b", alias: "bench") {
  id occurredAt } }"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cli(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("REDIS_URL", None)
    done = subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)  # fmt: skip
    return done.stdout


def _worker(url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _port()
    env = {**os.environ, "DATABASE_URL": url, "CATALOG_WEBHOOKS_ALLOW_PRIVATE": "1",
           "CATALOG_RATE_LIMIT": "0"}  # fmt: skip
    env.pop("REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1", "--port",
         str(port), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{base}/healthz", timeout=2).close()
            return process, base
        time.sleep(0.1)
    raise SystemExit(f"the worker did not start: {log.read_text()[-2000:]}")


class _Receiver:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                arrived = time.time()
                occurred = datetime.fromisoformat(json.loads(body)["occurredAt"]).timestamp()
                outer.latencies.append(arrived - occurred)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def _summary(name: str, values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (f"  {name:<22} n={len(ms):<5} p50={statistics.median(ms):7.1f} ms  "
            f"p99={p99:7.1f} ms  max={ms[-1]:7.1f} ms")  # fmt: skip


async def _measure(url: str, workers: int, events: int, workdir: Path) -> None:
    _cli(url, "db", "upgrade")
    _cli(url, "seed")
    token = _cli(url, "token", "create", "--org", "meta", "--role", "writer").split()[-1]
    started = [_worker(url, workdir / f"worker-{n}.log") for n in range(workers)]
    listener, writer = started[0][1], started[-1][1]
    receiver = _Receiver()
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=writer, headers=headers, timeout=60) as client:
            # The alias exists before the measured moves (its creation is ALIAS_SET).
            first = await client.post("/graphql", json={"query": MOVE, "variables": {"v": "3.0.0"}})
            assert "errors" not in first.json(), first.text
            made = await client.post(
                "/graphql", json={"query": HOOK, "variables": {"url": receiver.url}}
            )
            assert "errors" not in made.json(), made.text
            ws_url = listener.replace("http", "ws") + "/graphql"
            async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
                await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
                await ws.recv()
                await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                          "payload": {"query": SUBSCRIBE}}))  # fmt: skip
                await asyncio.sleep(0.5)
                subscriber: list[float] = []

                async def listen() -> None:
                    while len(subscriber) < events:
                        message = json.loads(await ws.recv())
                        if message["type"] != "next":
                            continue
                        arrived = time.time()
                        event = message["payload"]["data"]["aliasMoved"]
                        occurred = datetime.fromisoformat(event["occurredAt"]).timestamp()
                        subscriber.append(arrived - occurred)

                task = asyncio.create_task(listen())
                for n in range(events):
                    version = "3.1.0" if n % 2 == 0 else "3.0.0"
                    response = await client.post(
                        "/graphql", json={"query": MOVE, "variables": {"v": version}}
                    )
                    assert "errors" not in response.json(), response.text
                await asyncio.wait_for(task, 120)
                deadline = time.monotonic() + 120
                while len(receiver.latencies) < events and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
        lat = subscriber
        print(_summary("commit -> subscriber", lat))
        print(_summary("commit -> webhook", receiver.latencies))
    finally:
        for process, _ in started:
            process.send_signal(signal.SIGTERM)
            process.wait()
        receiver.server.shutdown()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            if backend == "sqlite":
                print(f"SQLite, 1 worker, {args.events} alias moves:")
                await _measure(
                    f"sqlite+aiosqlite:///{workdir / 'bench.db'}", 1, args.events, workdir
                )
                continue
            name = f"catalog_bench_events_{secrets.token_hex(3)}"
            admin = make_url(POSTGRES).set(drivername="postgresql")
            connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
            await connection.execute(f'CREATE DATABASE "{name}"')
            try:
                print(f"PostgreSQL, 2 workers (subscriber on one, writes through the other), "
                      f"{args.events} alias moves:")  # fmt: skip
                url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
                await _measure(url, 2, args.events, workdir)
            finally:
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await connection.close()


if __name__ == "__main__":
    asyncio.run(main())
