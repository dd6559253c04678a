"""Health endpoints: `/livez` (the process answers), `/readyz` (it can serve), `/healthz`.

`/livez` never touches the database. `/readyz` connects and reads the schema revision: 200 when
the database answers and its schema is at the head revision this code ships; otherwise 503 with
the error envelope and the reason in `detail` ("the database is unavailable", "schema is at
0002, head is 0003: run `catalog db upgrade`"). `/healthz` is the historical name of `/readyz`.
An expected failure (the database is down, slow or behind) is logged as one line, without a
traceback; the body is JSON in every case.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.db.failures import upstream_error
from app.db.revision import schema_state
from app.errors import CatalogError, GatewayTimeout
from app.http.request_id import request_id_of
from app.http.responses import error_response

logger = logging.getLogger("app.http")

READINESS_TIMEOUT_SECONDS = 5.0
UNAVAILABLE = "the database is unavailable"
TOO_SLOW = f"the database did not answer within {READINESS_TIMEOUT_SECONDS:g} s"
HEALTH_PATHS = ("/livez", "/readyz", "/healthz")
_NO_STORE = {"Cache-Control": "no-store"}


class NotReady(CatalogError):
    """The service runs but cannot serve: its database is down, slow or not at head."""

    type = "service_unavailable"
    code = 503


def _request_id(request: Request) -> str:
    request_id: str = getattr(request.state, "request_id", None) or request_id_of(request)
    return request_id


def _not_ready(request: Request, detail: str) -> Response:
    logger.warning("not ready: %s", detail)
    response = error_response(NotReady(detail), _request_id(request))
    response.headers.update(_NO_STORE)
    return response


async def livez(request: Request) -> Response:
    return JSONResponse(
        {"status": "ok"}, headers={"X-Request-ID": _request_id(request), **_NO_STORE}
    )


Endpoint = Callable[[Request], Awaitable[Response]]


def readiness(engine: AsyncEngine) -> Endpoint:
    async def readyz(request: Request) -> Response:
        try:
            async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
                try:
                    state = await schema_state(engine)
                except DBAPIError as exc:
                    if not exc.connection_invalidated:
                        raise
                    # A pooled connection the server dropped (a restart): the pool has been
                    # invalidated, so one more try tells whether the database is back.
                    state = await schema_state(engine)
        except TimeoutError:
            return _not_ready(request, TOO_SLOW)
        except Exception as exc:
            failure = upstream_error(exc)
            if failure is None:
                logger.exception("readiness check failed unexpectedly")
                return _not_ready(request, "the database could not be checked")
            reason = TOO_SLOW if isinstance(failure, GatewayTimeout) else UNAVAILABLE
            return _not_ready(request, reason)
        if state.problem is not None:
            return _not_ready(request, state.problem)
        return JSONResponse(
            {"status": "ok", "revision": state.current},
            headers={"X-Request-ID": _request_id(request), **_NO_STORE},
        )

    return readyz


def health_routes(engine: AsyncEngine) -> list[Route]:
    readyz = readiness(engine)
    return [
        Route("/livez", livez, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/healthz", readyz, methods=["GET"]),
    ]
