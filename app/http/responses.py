"""The error envelope as an HTTP response body (REST routes, authentication failures)."""

from __future__ import annotations

from starlette.responses import JSONResponse

from app.errors import CatalogError, envelope


def error_response(error: CatalogError, request_id: str) -> JSONResponse:
    headers = {"X-Request-ID": request_id}
    if error.code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="catalog"'
    return JSONResponse(envelope(error, request_id), status_code=error.code, headers=headers)
