"""The request id: worked out once per request, echoed on every response.

`RequestIdMiddleware` (the outermost middleware) takes the caller's `X-Request-ID` when it is
sane (1-64 of `A-Za-z0-9._-`), else makes one up, keeps it in the request's state and adds the
header to whatever answers: GraphQL, REST, refusals, unknown routes, static files, GraphiQL.
`request_id_of` returns that id anywhere later in the request.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.http.raw_headers import header

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
HEADER = b"x-request-id"


def request_id_of(request: HTTPConnection) -> str:
    """This request's id: the one set by the middleware, else the caller's X-Request-ID when it
    is sane, else a fresh one."""
    state: dict[str, Any] = request.scope.get("state") or {}
    known = state.get("request_id")
    if isinstance(known, str):
        return known
    return _given_or_new(header(request.scope, HEADER))


def _given_or_new(given: str | None) -> str:
    return given if given and _REQUEST_ID.match(given) else secrets.token_hex(16)


class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        known = state.get("request_id")
        request_id = known if isinstance(known, str) else _given_or_new(header(scope, HEADER))
        state["request_id"] = request_id
        encoded = request_id.encode("ascii")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == HEADER for name, _ in headers):
                    headers.append((HEADER, encoded))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
