"""The GraphQL HTTP view: builds the per-request context and shapes every response."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import ExecutionContext

from app.auth import ANONYMOUS
from app.errors import CatalogError, InvalidRequest
from app.graphql.context import Context
from app.graphql.errors import classify, format_error, log_unexpected
from app.graphql.limits import strip_suggestions
from app.graphql.loaders import Loaders
from app.http.responses import error_response
from app.settings import Settings

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
GRAPHIQL_PAGE = Path(__file__).resolve().parent.parent / "static" / "graphiql" / "index.html"


def request_id_of(request: Request | WebSocket) -> str:
    """The caller's X-Request-ID when it is sane, else a fresh one."""
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


class HTTPRefusal(InvalidRequest):
    """A request refused at the HTTP level (bad method, body, media type): the envelope with
    the HTTP status as its code."""

    def __init__(self, detail: str, code: int) -> None:
        super().__init__(detail)
        self.code = code


def negotiate(accept: str | None) -> str:
    """The response media type for an `Accept` header (GraphQL over HTTP).

    `application/graphql-response+json` when the client accepts it (preferred on a tie),
    else `application/json` (also for a missing header, `*/*` and `application/*`).
    """
    if not accept or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            candidate = (quality, 1, GRAPHQL_RESPONSE_JSON)
        elif media in (JSON, "application/*", "*/*"):
            candidate = (quality, 0, JSON)
        else:
            continue
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        raise HTTPRefusal(
            f"Not acceptable: this endpoint answers {GRAPHQL_RESPONSE_JSON} or {JSON}", 406
        )
    return best[2]


def is_request_error(result: ExecutionResult) -> bool:
    """No execution happened: the document could not be parsed, validated or its variables
    coerced (GraphQL over HTTP's "request error"; field errors always carry a path)."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


class CatalogGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: Any,
        sessions: async_sessionmaker[AsyncSession],
        writes: async_sessionmaker[AsyncSession],
        settings: Settings,
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.sessions = sessions
        self.writes = writes
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as exc:
            response = self.refusal(request, exc)
        except CatalogError as error:
            response = error_response(error, self.request_id(request))
        finally:
            context: Context | None = getattr(request.state, "context", None)
            if context is not None:
                await context.close()
        await response(scope, receive, send)

    def request_id(self, request: Request) -> str:
        request_id: str = getattr(request.state, "request_id", None) or request_id_of(request)
        return request_id

    def refusal(self, request: Request, exc: HTTPException) -> Response:
        """Strawberry's HTTP-level refusals, as the envelope."""
        if isinstance(exc.__cause__, InvalidOperationTypeError) and request.method == "GET":
            # GraphQL over HTTP: a mutation over GET is 405 (it must be POSTed).
            response = error_response(
                HTTPRefusal("Mutations must be sent with POST", 405), self.request_id(request)
            )
            response.headers["Allow"] = "POST"
            return response
        return error_response(HTTPRefusal(exc.reason, exc.status_code), self.request_id(request))

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the service's own assets (app/static/graphiql; no CDN)."""
        return HTMLResponse(GRAPHIQL_PAGE.read_text(encoding="utf-8"))

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        viewer = getattr(request.state, "viewer", ANONYMOUS)
        request_id = getattr(request.state, "request_id", None) or request_id_of(request)
        request.state.request_id = request_id
        if isinstance(response, Response):
            response.headers["X-Request-ID"] = request_id
        if (
            isinstance(request, Request)
            and isinstance(response, Response)
            and not self.should_render_graphql_ide(self.request_adapter_class(request))
        ):
            # Negotiated before the body is read: an unacceptable `Accept` is 406 at once.
            response.media_type = negotiate(request.headers.get("accept"))
            request.state.sub_response = response
        context = Context(
            viewer=viewer,
            request_id=request_id,
            sessions=self.sessions,
            writes=self.writes,
            settings=self.settings,
            loaders=Loaders(self.sessions, viewer),
            request=request,
            response=response,
        )
        # The view closes it (its read session) once the response is built.
        request.state.context = context
        return context

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        request_id = getattr(request.state, "request_id", None) or request_id_of(request)
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            data["errors"] = [self.shown(format_error(e, request_id)) for e in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        sub_response: Response | None = getattr(request.state, "sub_response", None)
        if (
            sub_response is not None
            and sub_response.media_type == GRAPHQL_RESPONSE_JSON
            and is_request_error(result)
        ):
            # GraphQL over HTTP: a request error has no `data` and a 4xx (or 5xx) status.
            del data["data"]
            internal = any(classify(e).type == "internal_error" for e in result.errors or ())
            sub_response.status_code = 500 if internal else 400
        return data

    def shown(self, formatted: dict[str, Any]) -> dict[str, Any]:
        """Field suggestions ("Did you mean ...?") only in development (CATALOG_DEBUG=1)."""
        if not self.settings.debug:
            formatted["message"] = strip_suggestions(formatted["message"])
            extensions = formatted.get("extensions") or {}
            if isinstance(extensions.get("detail"), str):
                extensions["detail"] = strip_suggestions(extensions["detail"])
        return formatted

    def encode_json(self, data: object) -> bytes:
        """orjson: several times faster than `json` on a large response."""
        try:
            return orjson.dumps(data)
        except (TypeError, orjson.JSONEncodeError):
            # Integers beyond 64 bits and other values orjson refuses: the standard encoder.
            return json.dumps(data, separators=(",", ":")).encode()

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{sub_response.media_type or JSON}; charset=utf-8"
        return response


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Schema hook: unexpected errors go to the log with the request id (never to clients)."""
    context = execution_context.context if execution_context else None
    log_unexpected(errors, getattr(context, "request_id", "-"))
