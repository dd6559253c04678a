"""GraphiQL (served offline) runs a subscription over graphql-transport-ws: headless Chromium,
driven through the DevTools protocol, opens it with a subscription while a thread creates
models; their events show in the result pane."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import httpx
import websockets

from tests.http_support import free_port, require_tool, running_server

SUBSCRIPTION = "subscription { catalogEvents(kinds: [MODEL_CREATED]) { kind model } }"
CREATE = """mutation($s: String!) {
  createModel(input: {organization: "meta", slug: $s, name: $s}) { slug } }"""
WAIT_SECONDS = 90.0  # how long the page may take (not a speed check)


async def _result_pane(chromium: str, url: str, profile: Path) -> str:
    port = free_port()
    browser = subprocess.Popen(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", f"--user-data-dir={profile}",
         "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
         "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
         f"--remote-debugging-port={port}", url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    text = ""
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        pages: list[dict[str, str]] = []
        while not pages and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2) as r:
                    pages = [p for p in json.load(r) if p.get("type") == "page"]
            except OSError:
                await asyncio.sleep(0.2)
        assert pages, "Chromium's DevTools endpoint did not answer"
        async with websockets.connect(pages[0]["webSocketDebuggerUrl"], max_size=None) as cdp:
            expression = "(document.querySelector('.result-window') || {}).innerText || ''"
            for n in range(1, 10_000):
                await cdp.send(json.dumps({"id": n, "method": "Runtime.evaluate",
                                           "params": {"expression": expression}}))  # fmt: skip
                while True:
                    reply = json.loads(await cdp.recv())
                    if reply.get("id") == n:
                        break
                text = reply.get("result", {}).get("result", {}).get("value", "") or ""
                if "MODEL_CREATED" in text or time.monotonic() > deadline:
                    return text
                await asyncio.sleep(0.25)
    finally:
        browser.terminate()
        browser.wait(timeout=20)
    return text


async def test_graphiql_runs_a_subscription(tmp_path: Path) -> None:
    chromium = require_tool("chromium", "the GraphiQL test drives headless Chromium")
    with running_server(tmp_path) as base:
        env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'server.db'}"}
        made = subprocess.run(
            [sys.executable, "-m", "app.cli", "token", "create", "--org", "meta", "--role",
             "writer"], env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        token = made.stdout.strip().split()[-1]
        stop = threading.Event()

        def create_models() -> None:
            for n in range(1000):
                if stop.wait(0.3):
                    return
                httpx.post(f"{base}/graphql", headers={"Authorization": f"Bearer {token}"},
                           json={"query": CREATE, "variables": {"s": f"live-{n}"}})  # fmt: skip

        thread = threading.Thread(target=create_models, daemon=True)
        thread.start()
        url = f"{base}/graphql?" + urllib.parse.urlencode({"q": SUBSCRIPTION, "run": "1"})
        try:
            result = await _result_pane(chromium, url, tmp_path / "profile")
        finally:
            stop.set()
            thread.join(timeout=10)
    assert '"kind": "MODEL_CREATED"' in result and '"model": "meta/live-' in result, result[:2000]
