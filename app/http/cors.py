"""CORS for browser apps on other origins (`CATALOG_CORS_ORIGINS`; default none: no CORS).

Starlette's CORSMiddleware does the work. A preflight (`OPTIONS` with `Origin` and
`Access-Control-Request-Method`) to `/graphql` or a REST route is answered with the methods that
route takes (`/graphql`: GET, POST; REST: GET) and the request headers the service reads; a
preflight from an origin not allowed, or for a method or header not accepted, is refused (400, the
error envelope), so the browser never sends the request. Actual responses to
an allowed origin carry `Access-Control-Allow-Origin` and expose the request id and rate-limit
headers. Credentials (cookies) are never allowed: the API authenticates with a bearer header,
which a page sends explicitly; so `*` (any origin) is safe to answer as `*`.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from app.errors import HTTPRefusal
from app.http.responses import error_response
from app.observability.request_context import current_request_id

# What the service reads from a request (besides the CORS-safelisted ones, always allowed).
ALLOWED_HEADERS = (
    "Authorization",
    "Content-Type",
    "X-Request-ID",
    "X-API-Version",  # the REST routes' version headers (app/rest/params.py)
    "Accept-Version",
    # Apollo Client sends these when configured with a client name and version.
    "Apollographql-Client-Name",
    "Apollographql-Client-Version",
)
EXPOSED_HEADERS = (
    "X-Request-ID",
    "X-API-Version",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "Retry-After",
)
PREFLIGHT_MAX_AGE = 600  # seconds a browser may reuse a preflight answer
API_PATHS = ("/graphql", "/v1/", "/api/")


class EnvelopeCORS(CORSMiddleware):
    """Starlette's CORS, with a refused preflight answered as the error envelope."""

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        reason = bytes(response.body).decode() or "Disallowed CORS request"
        refusal = error_response(HTTPRefusal(reason, 400), current_request_id() or "-")
        for name, value in response.headers.items():
            if name.lower() not in ("content-type", "content-length"):
                refusal.headers.setdefault(name, value)
        return refusal


def _api_route(route: BaseRoute) -> bool:
    return isinstance(route, Route) and route.path.startswith(API_PATHS)


class RouteCORS:
    """CORSMiddleware per distinct set of route methods, chosen by the preflight's path."""

    def __init__(self, app: ASGIApp, origins: Sequence[str], routes: Sequence[BaseRoute]) -> None:
        self.app = app
        by_methods: dict[tuple[str, ...], EnvelopeCORS] = {}
        self.routes: list[tuple[Route, EnvelopeCORS]] = []
        for route in routes:
            if not _api_route(route):
                continue
            assert isinstance(route, Route)
            methods = tuple(sorted(route.methods or ("GET",)))
            if methods not in by_methods:
                by_methods[methods] = EnvelopeCORS(
                    app,
                    allow_origins=origins,
                    allow_methods=methods,
                    allow_headers=ALLOWED_HEADERS,
                    expose_headers=EXPOSED_HEADERS,
                    allow_credentials=False,
                    max_age=PREFLIGHT_MAX_AGE,
                )
            self.routes.append((route, by_methods[methods]))
        # Actual (non-preflight) requests: any instance adds the same headers.
        self.simple = next(iter(by_methods.values()), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.simple is None or not _has_origin(scope):
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
            for route, cors in self.routes:
                if route.path_regex.match(scope["path"]):
                    await cors(scope, receive, send)
                    return
            await self.app(scope, receive, send)
            return
        await self.simple(scope, receive, send)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return None


def _has_origin(scope: Scope) -> bool:
    return _header(scope, b"origin") is not None


def cors_middleware(origins: Sequence[str], routes: Sequence[BaseRoute]) -> list[Middleware]:
    """The CORS layer for `create_app`; none when no origin is allowed (no cost per request)."""
    if not origins:
        return []
    return [Middleware(RouteCORS, origins=list(origins), routes=routes)]
