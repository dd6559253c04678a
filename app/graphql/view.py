"""The GraphQL HTTP view: builds the per-request context and shapes every response."""

from __future__ import annotations

import re
import uuid
from typing import Any

from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult
from strawberry.types.execution import ExecutionContext

from app.auth import ANONYMOUS
from app.graphql.context import Context
from app.graphql.errors import format_error, log_unexpected
from app.graphql.loaders import Loaders
from app.settings import Settings

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id_of(request: Request | WebSocket) -> str:
    """The caller's X-Request-ID when it is sane, else a fresh one."""
    given = request.headers.get("x-request-id", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


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

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        viewer = getattr(request.state, "viewer", ANONYMOUS)
        request_id = getattr(request.state, "request_id", None) or request_id_of(request)
        request.state.request_id = request_id
        if isinstance(response, Response):
            response.headers["X-Request-ID"] = request_id
        return Context(
            viewer=viewer,
            request_id=request_id,
            sessions=self.sessions,
            writes=self.writes,
            settings=self.settings,
            loaders=Loaders(self.sessions, viewer),
            request=request,
            response=response,
        )

    async def process_result(
        self, request: Request | WebSocket, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        request_id = getattr(request.state, "request_id", None) or request_id_of(request)
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            data["errors"] = [format_error(error, request_id) for error in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        return data


def log_errors(errors: list[GraphQLError], execution_context: ExecutionContext | None) -> None:
    """Schema hook: unexpected errors go to the log with the request id (never to clients)."""
    context = execution_context.context if execution_context else None
    log_unexpected(errors, getattr(context, "request_id", "-"))
