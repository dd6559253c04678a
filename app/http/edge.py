"""HTTP-level answers of the app itself (no route, wrong method) as the envelope.

Starlette raises `HTTPException` for an unknown path (404, also under /static) and for a
method a route does not take (405, with `Allow`); these handlers answer the JSON envelope
(`invalid_request` for 405, `not_found` for 404) with the request id instead of text/plain.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from app.errors import CatalogError, HTTPRefusal, NotFound
from app.http.request_id import request_id_of
from app.http.responses import error_response


def _error_for(request: Request, exc: HTTPException) -> CatalogError:
    path = request.url.path[:200]
    if exc.status_code == 404:
        return NotFound(f"No route {path}")
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return HTTPRefusal(
            f"Method {request.method} is not allowed on {path}"
            + (f"; allowed: {allowed}" if allowed else ""),
            405,
        )
    return HTTPRefusal(str(exc.detail)[:200], exc.status_code)


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = error_response(_error_for(request, exc), request_id_of(request))
    for name, value in (exc.headers or {}).items():
        response.headers.setdefault(name, value)
    return response


EXCEPTION_HANDLERS: Mapping[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
    HTTPException: http_exception
}
