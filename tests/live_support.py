"""Real processes for the live catalog's tests: uvicorn workers on a test database, a
graphql-transport-ws client (the `websockets` package) and a local webhook receiver."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.http_support import UVICORN, free_port

WORKER_ENV = {
    "CATALOG_EVENTS_POLL_SECONDS": "0.2",
    "CATALOG_WEBHOOKS_ALLOW_PRIVATE": "1",  # the receiver listens on loopback
    "CATALOG_WEBHOOK_BACKOFF_SECONDS": "0.05",
    "CATALOG_WEBHOOK_LEASE_SECONDS": "2",
    "CATALOG_RATE_LIMIT": "0",
}
ARRIVAL_SECONDS = 60.0  # how long a test waits for something to arrive (not a speed check)


class Worker:
    """One uvicorn process serving the app on `database_url`."""

    def __init__(self, database_url: str, log: Path, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.ws = f"ws://127.0.0.1:{self.port}/graphql"
        full = {**os.environ, **WORKER_ENV, "DATABASE_URL": database_url, **env}
        full.pop("CATALOG_DEBUG", None)
        if "REDIS_URL" not in env:
            full.pop("REDIS_URL", None)
        self.log_path = log
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [*UVICORN, "--port", str(self.port), "--log-level", "warning"],
            env=full, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(300):
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited: {log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        pytest.fail("the worker did not answer /healthz")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, as a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self._log.close()

    def stop(self) -> None:
        """Terminate (a no-op after `kill`)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    async def gql(self, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(base_url=self.base, timeout=60) as client:
            response = await client.post("/graphql", json={"query": query, "variables": variables},
                                         headers=headers)  # fmt: skip
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


@contextlib.contextmanager
def workers(database_url: str, tmp_path: Path, *envs: dict[str, str]) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    try:
        for n, env in enumerate(envs):
            started.append(Worker(database_url, tmp_path / f"worker-{n}.log", **env))
        yield started
    finally:
        for worker in started:
            worker.stop()


class Subscription:
    """One graphql-transport-ws connection with one subscription."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.received: list[dict[str, Any]] = []

    async def next(self, timeout: float = ARRIVAL_SECONDS) -> dict[str, Any]:
        while True:
            frame = await asyncio.wait_for(self.connection.recv(), timeout)
            assert isinstance(frame, str), "graphql-transport-ws sends text frames"
            message = json.loads(frame)
            if message["type"] == "next":
                data = message["payload"]["data"]
                event = next(iter(data.values()))
                self.received.append(event)
                return dict(event)
            if message["type"] in ("error", "complete"):
                raise AssertionError(f"subscription ended: {message}")

    async def collect_until(self, done: Any, timeout: float = ARRIVAL_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while not done(self.received):
            await self.next(max(0.1, deadline - time.monotonic()))

    async def quiet_for(self, seconds: float) -> list[dict[str, Any]]:
        """Whatever arrives within `seconds` (for "nothing more arrives")."""
        with contextlib.suppress(TimeoutError):
            while True:
                await self.next(seconds)
        return self.received


@contextlib.asynccontextmanager
async def subscribe(
    ws_url: str, query: str, variables: dict[str, Any] | None = None, token: str | None = None
) -> AsyncIterator[Subscription]:
    async with websockets.connect(ws_url, subprotocols=["graphql-transport-ws"]) as connection:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await connection.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(connection.recv(), ARRIVAL_SECONDS))
        assert ack["type"] == "connection_ack", ack
        await connection.send(json.dumps({"id": "1", "type": "subscribe",
                                          "payload": {"query": query, "variables": variables or {}}}))  # fmt: skip
        # The subscription is registered once the server has run its resolver: a ping's pong
        # comes after the subscribe message was handled.
        await connection.send(json.dumps({"type": "ping"}))
        pong = json.loads(await asyncio.wait_for(connection.recv(), ARRIVAL_SECONDS))
        assert pong["type"] == "pong", pong
        await asyncio.sleep(0.2)
        yield Subscription(connection)


@dataclass
class Receiver:
    """A webhook receiver on loopback: answers the statuses in `answers` in turn (then 200),
    and holds the first request while `hold` is set."""

    answers: list[int] = field(default_factory=list)
    hold: threading.Event | None = None
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append((dict(self.headers.items()), body))
                receiver.arrived.set()
                if receiver.hold is not None and len(receiver.requests) == 1:
                    receiver.hold.wait(ARRIVAL_SECONDS)
                answers = receiver.answers
                status = (
                    answers[len(receiver.requests) - 1]
                    if len(receiver.requests) <= len(answers)
                    else 200
                )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.requests]

    async def wait_for(self, count: int, timeout: float = ARRIVAL_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            assert time.monotonic() < deadline, f"{len(self.requests)} of {count} deliveries came"
            await asyncio.sleep(0.05)


def cli(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("REDIS_URL", None)
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, capture_output=True,
                          text=True, check=False)  # fmt: skip
