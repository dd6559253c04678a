"""One place that sees every request whole: its metrics and its log line.

`ObserveMiddleware` sits right inside `RequestIdMiddleware`. It puts a `RequestStats` in the
request's context (request id, SQL statement count, GraphQL operation), and once the response
is sent it counts the request (route template, method, operation, status), its latency and its
statements, syncs the cache counters and pool gauges, and, when the request log is on, writes
one line: time, request id, method, path and route, operation, status, duration, statements,
client address and the caller's organization (never a token; query-string secrets redacted).

A request that raises leaves its context set on purpose: uvicorn's "Exception in ASGI
application" line, written in the same task, then still carries the request id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.http.log_redaction import redact
from app.observability import metrics
from app.observability.caches import sync_caches
from app.observability.labels import operation_label
from app.observability.logs import ACCESS_LOGGER
from app.observability.request_context import RequestStats, current_request
from app.observability.routes import RouteTemplates
from app.observability.sql import refresh_pool_gauges

access_logger = logging.getLogger(ACCESS_LOGGER)

Children = tuple[Any, Any, Any, Any]


class ObserveMiddleware:
    def __init__(self, app: ASGIApp, routes: Sequence[BaseRoute], access_log: bool) -> None:
        self.app = app
        self.templates = RouteTemplates(routes)
        self.access_log = access_log
        # The labelled children by their labels (all bounded): `labels()` is the costly part.
        self._children: dict[tuple[str, str, str, int], Children] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.get("state") or {}
        stats = RequestStats(request_id=state.get("request_id") or "-")
        token = current_request.set(stats)
        started = time.perf_counter()
        status = 0

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        except BaseException:
            self.finish(scope, stats, status or 500, started)
            raise
        self.finish(scope, stats, status, started)
        current_request.reset(token)

    def finish(self, scope: Scope, stats: RequestStats, status: int, started: float) -> None:
        seconds = time.perf_counter() - started
        route = self.templates.label(scope)
        operation = operation_label(stats.operation)
        key = (route, scope["method"], operation, status)
        children = self._children.get(key) or self._labelled(key)
        requests, latency, statements, per_request = children
        requests.inc()
        latency.observe(seconds)
        if stats.statements:
            statements.inc(stats.statements)
        per_request.observe(stats.statements)
        sync_caches()
        refresh_pool_gauges()
        if self.access_log and access_logger.isEnabledFor(logging.INFO):
            # A record made directly: `Logger.info` would also walk the stack for its caller.
            record = access_logger.makeRecord(
                ACCESS_LOGGER, logging.INFO, __file__, 0, "request", (), None,
                extra={"access": request_fields(scope, stats, route, status, seconds)},
            )  # fmt: skip
            access_logger.handle(record)

    def _labelled(self, key: tuple[str, str, str, int]) -> Children:
        route, method, operation, status = key
        children = (
            metrics.REQUESTS.labels(route, method, operation, str(status)),
            metrics.REQUEST_SECONDS.labels(route, operation),
            metrics.SQL_STATEMENTS.labels(route, operation),
            metrics.SQL_STATEMENTS_PER_REQUEST.labels(route),
        )
        self._children[key] = children
        return children


def request_fields(
    scope: Scope, stats: RequestStats, route: str, status: int, seconds: float
) -> dict[str, Any]:
    state = scope.get("state") or {}
    viewer = state.get("viewer")
    client = scope.get("client")
    query = scope.get("query_string", b"").decode("latin-1")
    return {
        "method": scope["method"],
        "path": redact(scope["path"]),
        "query": redact(f"?{query}")[1:] if query else "",
        "route": route,
        "operation": stats.operation,
        "status": status,
        "duration_ms": round(seconds * 1000, 2),
        "sql_statements": stats.statements,
        "organization": getattr(viewer, "organization_slug", None),
        "client": f"{client[0]}:{client[1]}" if client else "-",
        "http_version": scope.get("http_version", "1.1"),
    }
