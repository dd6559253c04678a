"""ASGI plumbing of the response cache: a body read and replayed, a response held back."""

from __future__ import annotations

import orjson
from starlette.types import Message, Receive


def replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class Captured:
    """A response the application sent, held back until it is complete."""

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    def header(self, name: bytes) -> bytes | None:
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


def has_errors(body: bytes) -> bool:
    if b'"errors"' not in body:
        return False
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        return True
    return not isinstance(decoded, dict) or "errors" in decoded


def text(value: bytes | None) -> str | None:
    return value.decode("latin-1") if value is not None else None


def marked(body: bytes, state: str) -> bytes:
    """CATALOG_DEBUG=1: the answer with `extensions.cache` = HIT or MISS."""
    decoded = orjson.loads(body)
    decoded.setdefault("extensions", {})["cache"] = state
    return orjson.dumps(decoded)
