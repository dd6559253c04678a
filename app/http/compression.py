"""Compression of responses above a size threshold, honouring `Accept-Encoding`.

Brotli (`br`, Google's `brotli` bindings) when the client accepts it, else gzip; nothing for
responses under `CATALOG_COMPRESS_MIN_BYTES`, for media types that are already compressed, or
when the client accepts neither. Every compressible response gets `Vary: Accept-Encoding`.
GraphQL, REST, GraphiQL's page and its static assets all pass through `CompressionMiddleware`;
the compressed form of a static file (keyed by its ETag) is kept, so GraphiQL's 3.5 MB bundle
is compressed once per process. The response cache (app/cache/) serves the compressed form of
an entry it keeps itself and marks it with `Content-Encoding`, which this middleware leaves as
it is.
"""

from __future__ import annotations

import gzip
from collections import OrderedDict

import brotli  # type: ignore[import-untyped]
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.http.raw_headers import header

DEFAULT_MIN_BYTES = 1024
COMPRESSIBLE = (
    "application/json",
    "application/graphql-response+json",
    "application/javascript",
    "text/",
    "image/svg+xml",
)
GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # fast enough per response; 11 costs seconds on a 3.5 MB bundle
MAX_REMEMBERED_FILES = 32


def _accepted(accept_encoding: str) -> dict[str, float]:
    accepted: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            accepted[name.lower()] = quality
    return accepted


def choose_encoding(accept_encoding: str | None) -> str | None:
    """`br`, `gzip` or None (identity) for an `Accept-Encoding` header."""
    if not accept_encoding:
        return None
    accepted = _accepted(accept_encoding)
    wildcard = accepted.get("*", 0.0)
    for name in ("br", "gzip"):
        if accepted.get(name, wildcard) > 0:
            return name
    return None


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return bytes(brotli.compress(data, quality=BROTLI_QUALITY))
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def is_compressible(content_type: str) -> bool:
    return content_type.lower().startswith(COMPRESSIBLE)


class CompressionMiddleware:
    def __init__(self, app: ASGIApp, min_bytes: int = DEFAULT_MIN_BYTES) -> None:
        self.app = app
        self.min_bytes = min_bytes
        self._files: OrderedDict[tuple[str, str], bytes] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        encoding = choose_encoding(header(scope, b"accept-encoding"))
        if encoding is None:
            # Nothing to compress for this client (and an identity answer needs no Vary).
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False

        async def send_compressed(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                compressible = is_compressible(headers.get("content-type", ""))
                vary = headers.get("vary", "")
                if (
                    compressible
                    and "content-encoding" not in headers
                    and "accept-encoding" not in vary.lower()
                ):
                    MutableHeaders(scope=message).add_vary_header("Accept-Encoding")
                if not compressible or "content-encoding" in headers:
                    passing = True
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(start, b"".join(chunks), encoding, send)

        await self.app(scope, receive, send_compressed)

    async def _finish(self, start: Message, body: bytes, encoding: str, send: Send) -> None:
        headers = MutableHeaders(scope=start)
        if len(body) < self.min_bytes or start["status"] != 200:
            headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})
            return
        etag = headers.get("etag")
        remembered = (etag, encoding) if etag and "last-modified" in headers else None
        data = self._files.get(remembered) if remembered else None
        if data is None:
            data = compress(body, encoding)
            if remembered:
                self._files[remembered] = data
                while len(self._files) > MAX_REMEMBERED_FILES:
                    self._files.popitem(last=False)
        headers["content-encoding"] = encoding
        headers["content-length"] = str(len(data))
        if etag and not etag.startswith("W/"):
            # Another representation of the same content: a weak validator for it.
            headers["etag"] = f"W/{etag}"
        await send(start)
        await send({"type": "http.response.body", "body": data})
