"""The response cache, persisted operations and HTTP validators at the ASGI level.

It sits after authentication and the rate limit (a hit is counted like any request) and before
routing, so a hit is answered from ready bytes without Starlette's routing, Strawberry or
GraphQL parsing: the request's JSON is decoded, its query text looked up (a text seen before
is known by the digest of its normalized document), the key built and the entry's revision
compared with the catalog's current one.

- Key: the normalized document's digest, the operation name, the variables (canonical JSON),
  the caller's visibility scope (anonymous, or organization and role) and the negotiated media
  type; for a REST GET the path, the query string, the API version headers and the scope.
- A hit needs an entry computed at the current revision (app/cache/revision.py). A miss runs
  the application, and a 200 answer without `errors` is kept, tagged with the revision read
  before it ran (a write committed meanwhile makes it stale at once, never wrongly fresh).
- After this worker answers a mutation, it re-reads the revision before the response leaves,
  so the same client's next read on this worker sees the write.
- APQ and trusted documents (app/graphql/persisted.py) resolve here for every request, with
  the cache on or off; so do `ETag`/`Cache-Control`/304 for GET queries and REST GETs.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import ANONYMOUS, Viewer
from app.cache.asgi import Captured, has_errors, marked, read_body, replay, text
from app.cache.state import ResponseCache
from app.cache.store import Entry
from app.errors import CatalogError, envelope
from app.graphql.persisted import UntrustedDocument
from app.http import caching
from app.http.compression import choose_encoding, compress, is_compressible
from app.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON
from app.http.request_id import request_id_of
from app.observability.request_context import note_operation

logger = logging.getLogger("app.cache")

REST_PREFIXES = ("/v1/", "/api/")
REST_KEY_HEADERS = (b"x-api-version", b"accept-version")
# Per-request headers never stored with an entry (the edge adds its own).
NOT_STORED = frozenset({b"x-request-id", b"content-length", b"date", b"server"})
Run = Callable[[Send], Awaitable[None]]


def _viewer(scope: Scope) -> Viewer:
    viewer: Viewer = (scope.get("state") or {}).get("viewer", ANONYMOUS)
    return viewer


def _scope_key(viewer: Viewer) -> tuple[Any, ...]:
    return (
        ("anonymous",) if viewer.organization_id is None else (viewer.organization_id, viewer.role)
    )


def _headers(scope: Scope) -> dict[bytes, bytes]:
    return dict(scope["headers"])


class ResponseCacheMiddleware:
    def __init__(self, app: ASGIApp, cache: ResponseCache) -> None:
        self.app = app
        self.cache = cache
        self.max_age = cache.settings.http_max_age
        self.min_bytes = cache.settings.compress_min_bytes
        self.debug = cache.settings.debug
        self.trusted_only = cache.settings.anonymous_trusted_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, method = scope["path"], scope["method"]
            if path == "/graphql":
                if method == "POST":
                    await self._post(scope, receive, send)
                    return
                if method == "GET" and scope.get("query_string"):
                    await self._get(scope, receive, send)
                    return
            elif method == "GET" and path.startswith(REST_PREFIXES):
                await self._rest(scope, receive, send)
                return
        await self.app(scope, receive, send)

    # --- GraphQL -------------------------------------------------------------------------

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive)
        if body is None:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        if (
            not self.cache.enabled and not self.trusted_only and b"persistedQuery" not in body
        ) or b"application/json" not in headers.get(b"content-type", b""):
            await self.app(scope, replay(body, receive), send)
            return
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            await self.app(scope, replay(body, receive), send)
            return

        def run_with(query: str | None) -> Run:
            same = query is None or data.get("query") == query
            replayed = body if same else orjson.dumps({**data, "query": query})
            return lambda sender: self.app(scope, replay(replayed, receive), sender)

        await self._graphql(scope, send, headers, data, run_with, get=False)

    async def _get(self, scope: Scope, receive: Receive, send: Send) -> None:
        params = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
        data: dict[str, Any] = {"query": params.get("query"), "operationName": None}
        data["operationName"] = params.get("operationName") or None
        for name in ("variables", "extensions"):
            if params.get(name):
                try:
                    data[name] = orjson.loads(params[name])
                except orjson.JSONDecodeError:
                    await self.app(scope, receive, send)  # the view refuses it
                    return

        def run_with(query: str | None) -> Run:
            if query is None or params.get("query") == query:
                return lambda sender: self.app(scope, receive, sender)
            rewritten = {**scope, "query_string": urlencode({**params, "query": query}).encode()}
            return lambda sender: self.app(rewritten, receive, sender)

        await self._graphql(scope, send, _headers(scope), data, run_with, get=True)

    async def _graphql(
        self,
        scope: Scope,
        send: Send,
        headers: dict[bytes, bytes],
        data: dict[str, Any],
        run_with: Callable[[str | None], Run],
        *,
        get: bool,
    ) -> None:
        query = data.get("query")
        extensions = data.get("extensions")
        if extensions is not None and not isinstance(extensions, dict):
            await run_with(None)(send)  # the view refuses it (400)
            return
        try:
            text = self.cache.persisted.resolve(query, extensions)
        except CatalogError as error:
            await self._refuse(scope, send, headers, error)
            return
        if text is None:
            await run_with(None)(send)  # no query text: the view answers as it always does
            return
        run = run_with(text)
        info = self.cache.known.get(text)
        viewer = _viewer(scope)
        if (
            self.trusted_only
            and viewer.is_anonymous
            and (info is None or not self.cache.persisted.is_trusted(info.digest))
        ):
            refusal = UntrustedDocument("Anonymous callers may run only trusted documents")
            await self._refuse(scope, send, headers, refusal)
            return
        name = data.get("operationName")
        operation = info.operation(name) if info and isinstance(name, str | None) else None
        if operation is None:
            await run(send)
            return
        mutation, cacheable = operation
        if mutation:
            await self._write(run, send)
            return
        variables = data.get("variables")
        media = self.cache.media_type(headers.get(b"accept"))
        if (
            not cacheable
            or not self.cache.enabled
            or media is None
            or not isinstance(variables, dict | None)
            or (extensions is not None and extensions.keys() - {"persistedQuery"})
        ):
            if self.cache.enabled:
                self.cache.counters.bypasses += 1
            await (self._validated(scope, send, headers, run) if get else run(send))
            return
        assert info is not None
        # The operation, for metrics and the request log (a hit never reaches the executor).
        note_operation(name if name is not None else next(iter(info.operations)))
        canonical = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b""
        key = ("graphql", info.digest, name, canonical, _scope_key(viewer), media)
        await self._cached(scope, send, headers, key, run, get=get, graphql=True)

    async def _write(self, run: Run, send: Send) -> None:
        """A mutation: before its response leaves, this worker learns the new revision."""

        async def send_after_refresh(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self.cache.after_write()
            await send(message)

        await run(send_after_refresh)

    # --- REST ----------------------------------------------------------------------------

    async def _rest(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)

        def run(sender: Send) -> Awaitable[None]:
            return self.app(scope, receive, sender)

        if not self.cache.enabled:
            await self._validated(scope, send, headers, run)
            return
        versions = tuple(headers.get(name) for name in REST_KEY_HEADERS)
        key = ("rest", scope["path"], scope["query_string"], versions, _scope_key(_viewer(scope)))
        await self._cached(scope, send, headers, key, run, get=True, graphql=False)

    # --- serving -------------------------------------------------------------------------

    async def _cached(
        self,
        scope: Scope,
        send: Send,
        headers: dict[bytes, bytes],
        key: tuple[Any, ...],
        run: Run,
        *,
        get: bool,
        graphql: bool,
    ) -> None:
        cache = self.cache
        revision = await cache.current_revision()
        if revision is None:
            cache.counters.bypasses += 1
            await (self._validated(scope, send, headers, run) if get else run(send))
            return
        entry = cache.store.get(key, revision)
        digest = ""
        if entry is None and cache.shared is not None:
            digest = hashlib.sha256(repr(key).encode()).hexdigest()
            entry = await cache.shared.get(digest, revision)
            if entry is not None:
                cache.store.put(key, entry)
        if entry is not None:
            cache.counters.hits += 1
            await self._serve(send, headers, entry, get=get, marker=b"HIT" if graphql else None)
            return
        cache.counters.misses += 1
        captured = Captured()
        await run(captured.send)
        body = captured.body
        if captured.status != 200 or (graphql and has_errors(body)):
            await self._forward(send, captured)
            return
        kept = [(k, v) for k, v in captured.headers if k.lower() not in NOT_STORED]
        entry = Entry(revision, body, kept, caching.etag_of(body))
        cache.store.put(key, entry)
        cache.counters.stores += 1
        if cache.shared is not None:
            await cache.shared.put(digest or hashlib.sha256(repr(key).encode()).hexdigest(), entry)
        await self._serve(send, headers, entry, get=get, marker=b"MISS" if graphql else None)

    async def _validated(
        self, scope: Scope, send: Send, headers: dict[bytes, bytes], run: Run
    ) -> None:
        """Uncached GET: the answer with its validators (and a 304 when they match)."""
        captured = Captured()
        await run(captured.send)
        body = captured.body
        content_type = (captured.header(b"content-type") or b"").decode("latin-1")
        if captured.status != 200 or not is_compressible(content_type) or has_errors(body):
            await self._forward(send, captured)
            return
        kept = [(k, v) for k, v in captured.headers if k.lower() not in NOT_STORED]
        entry = Entry(0, body, kept, caching.etag_of(body))
        await self._serve(send, headers, entry, get=True, marker=None, keep=False)

    async def _serve(
        self,
        send: Send,
        request_headers: dict[bytes, bytes],
        entry: Entry,
        *,
        get: bool,
        marker: bytes | None,
        keep: bool = True,
    ) -> None:
        body = entry.body
        encoding = None
        if (
            not get
            and not self.debug
            and (len(body) < self.min_bytes or b"accept-encoding" not in request_headers)
        ):
            # A plain POST answer: its headers are the same every time.
            if entry.post_headers is None:
                entry.post_headers = [
                    *entry.headers,
                    (b"vary", b"Accept-Encoding"),
                    (b"content-length", str(len(body)).encode()),
                ]
            await send(
                {"type": "http.response.start", "status": 200, "headers": entry.post_headers}
            )
            await send({"type": "http.response.body", "body": body})
            return
        headers = list(entry.headers)
        if self.debug and marker is not None:
            body = marked(body, marker.decode())
        elif len(body) >= self.min_bytes:
            encoding = choose_encoding(text(request_headers.get(b"accept-encoding")))
        # A compressed body is another representation of the same answer: a weak validator.
        etag = entry.etag if encoding is None else f"W/{entry.etag}"
        if get:
            anonymous = b"authorization" not in request_headers
            control = caching.cache_control(anonymous, self.max_age)
            headers.append((b"cache-control", control.encode()))
            headers.append((b"vary", caching.VARY.encode()))
            headers.append((b"etag", etag.encode()))
            if caching.matches(text(request_headers.get(b"if-none-match")), etag):
                headers = [h for h in headers if h[0].lower() != b"content-type"]
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b""})
                return
        else:
            headers.append((b"vary", b"Accept-Encoding"))
        if encoding is not None:
            compressed = entry.encoded.get(encoding)
            if compressed is None:
                compressed = compress(body, encoding)
                if keep:
                    self.cache.store.grow(entry, encoding, compressed)
            body = compressed
            headers.append((b"content-encoding", encoding.encode()))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _forward(self, send: Send, captured: Captured) -> None:
        await send(
            {"type": "http.response.start", "status": captured.status, "headers": captured.headers}
        )
        await send({"type": "http.response.body", "body": captured.body})

    async def _refuse(
        self, scope: Scope, send: Send, headers: dict[bytes, bytes], error: CatalogError
    ) -> None:
        """A persisted-operation refusal as a GraphQL request error (Apollo's link reads
        `message`): status 200 for application/json, the error's code for GraphQL's type."""
        media = self.cache.media_type(headers.get(b"accept")) or JSON
        request_id = request_id_of_scope(scope)
        payload = {"errors": [{"message": error.detail, "extensions": envelope(error, request_id)}]}
        body = orjson.dumps(payload)
        status = error.code if media == GRAPHQL_RESPONSE_JSON else 200
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", f"{media}; charset=utf-8".encode()),
                    (b"content-length", str(len(body)).encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def request_id_of_scope(scope: Scope) -> str:
    return request_id_of(HTTPConnection(scope))
