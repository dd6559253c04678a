"""The GraphQL HTTP view: builds the per-request context and shapes every response.

Bodies are parsed here (strawberry's `parse_json`, overridden): a body that is not UTF-8, not
JSON, not an object (batching is off), nested deeper than MAX_JSON_DEPTH or holding a lone
surrogate is an HTTP 400 envelope before any GraphQL runs; so are `variables`/`extensions` of a
GET with the same faults.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.execution import ExecutionContext
from strawberry.types.graphql import OperationType

from app.auth import ANONYMOUS
from app.errors import CatalogError, InternalError
from app.errors import HTTPRefusal as HTTPRefusal
from app.graphql import websocket
from app.graphql.compiler import entry as compiler
from app.graphql.context import Context
from app.graphql.errors import INTERNAL_DETAIL, classify, format_error, log_unexpected
from app.graphql.executor import OperationExecutor
from app.graphql.limits import MAX_JSON_DEPTH, strip_suggestions
from app.http import idempotency
from app.http.negotiation import GRAPHQL_RESPONSE_JSON, JSON, negotiate
from app.http.request_id import request_id_of as request_id_of
from app.http.responses import error_response
from app.settings import Settings

logger = logging.getLogger("app.graphql")

GRAPHIQL_PAGE = Path(__file__).resolve().parent.parent / "static" / "graphiql" / "index.html"


# A JSON escape of a UTF-16 surrogate (only these can smuggle a lone one past UTF-8 decoding).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_problem(value: object, raw: bytes) -> str | None:
    """Why a decoded JSON value is refused (too deep, a lone surrogate), or None.

    The walk runs only where the raw text could hold either problem."""
    deep = raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH
    surrogates = _SURROGATE_ESCAPE.search(raw) is not None
    if not deep and not surrogates:
        return None
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return f"JSON is nested deeper than {MAX_JSON_DEPTH} levels"
            children = list(item.items()) if isinstance(item, dict) else list(enumerate(item))
            for key, child in children:
                if isinstance(key, str) and surrogates and _SURROGATE.search(key):
                    return "JSON holds a lone UTF-16 surrogate (not a Unicode character)"
                stack.append((child, depth + 1))
        elif isinstance(item, str) and surrogates and _SURROGATE.search(item):
            return "JSON holds a lone UTF-16 surrogate (not a Unicode character)"
    return None


def is_request_error(result: ExecutionResult) -> bool:
    """No execution happened: the document could not be parsed, validated or its variables
    coerced (GraphQL over HTTP's "request error"; field errors always carry a path)."""
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


class CatalogGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = websocket.LiveConnectionHandler
    websocket_adapter_class = websocket.TextFrames

    def __init__(
        self,
        schema: Any,
        sessions: async_sessionmaker[AsyncSession],
        writes: async_sessionmaker[AsyncSession],
        settings: Settings,
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql", subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,)
        )
        self.max_subscriptions_per_connection = settings.events.max_subscriptions_per_connection
        self.idle_timeout_seconds = settings.events.idle_timeout_seconds
        self.settings = settings
        self.executor = OperationExecutor(schema, sessions, writes, settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            # A compiled operation answers here (None: the resolvers answer; compiler/entry.py).
            response = await compiler.serve(self, request) or await idempotency.around(
                request, self.executor.sessions, self.executor.writes, self.run
            )
        except HTTPException as exc:
            response = self.refusal(request, exc)
        except CatalogError as error:
            response = error_response(error, self.request_id(request))
        except Exception:
            # Never Starlette's text/plain 500: the envelope, the request id, the log.
            logger.exception("internal error (request %s)", self.request_id(request))
            response = error_response(InternalError(INTERNAL_DETAIL), self.request_id(request))
        finally:
            context: Context | None = getattr(request.state, "context", None)
            if context is not None:
                await context.close()
        await response(scope, receive, send)

    async def on_ws_connect(self, context: Context) -> dict[str, Any]:
        return await websocket.authenticate(context, self.executor.sessions)

    def parse_json(self, data: str | bytes) -> Any:
        """A request body (bytes: must be an object) or a GET parameter's JSON (str)."""
        raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError as exc:
            raise HTTPException(400, "The request body is not valid UTF-8") from exc
        try:
            value = json.loads(text)
        except RecursionError as exc:
            raise HTTPException(400, f"JSON is nested deeper than {MAX_JSON_DEPTH} levels") from exc
        except ValueError as exc:  # JSONDecodeError, or an integer of over 4,300 digits
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        problem = json_problem(value, raw)
        if problem is not None:
            raise HTTPException(400, problem)
        if isinstance(data, bytes) and not isinstance(value, dict):
            raise HTTPException(
                400, "The request body must be a JSON object (batching is not enabled)"
            )
        return value

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
        context = self.executor.context_for(
            viewer,
            request_id,
            request,
            response,
            writes=idempotency.write_sessions(request, self.executor.writes),
        )
        # The view closes it (its read session) once the response is built.
        request.state.context = context
        return context

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Strawberry's, with the operation run by the service's one executor."""
        allowed = OperationType.from_http(request_adapter.method)
        try:
            return await self.executor.run(
                context,
                request_data.query,
                request_data.variables,
                request_data.operation_name,
                allowed=allowed,
                extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason()) from e
        except InvalidOperationTypeError as e:
            raise HTTPException(400, e.as_http_error_reason(request_adapter.method)) from e
        except MissingQueryError as e:
            raise HTTPException(400, "No GraphQL query found in the request") from e

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        request_id = getattr(request.state, "request_id", None) or request_id_of(request)
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            data["errors"] = [self.shown(format_error(e, request_id)) for e in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        if self.settings.debug:
            data["extensions"] = {**(data.get("extensions") or {}), "plan": "resolver"}
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
