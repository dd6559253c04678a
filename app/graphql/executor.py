"""The one operation executor: a GraphQL operation run for a viewer and a request id.

Both `/graphql` (the view, which keeps only GraphQL over HTTP: bodies, media types, status
codes) and the REST routes (which answer REST: their own JSON, the envelope, no GraphQL media
types) run operations through `OperationExecutor`, so data, visibility, limits and error types
have one code path. A context owns the request's read session; `execute` closes it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from app.auth import Viewer
from app.graphql.context import Context
from app.graphql.loaders import Loaders
from app.settings import Settings


class OperationExecutor:
    def __init__(
        self,
        schema: Any,
        sessions: async_sessionmaker[AsyncSession],
        writes: async_sessionmaker[AsyncSession],
        settings: Settings,
    ) -> None:
        self.schema = schema
        self.sessions = sessions
        self.writes = writes
        self.settings = settings

    def context_for(
        self,
        viewer: Viewer,
        request_id: str,
        request: Any = None,
        response: Any = None,
        *,
        writes: async_sessionmaker[AsyncSession] | None = None,
    ) -> Context:
        """A fresh per-request context (loaders, read scope); the caller closes it. `writes`
        replaces the write sessions (the view's: an Idempotency-Key's)."""
        return Context(
            viewer=viewer,
            request_id=request_id,
            sessions=self.sessions,
            writes=writes or self.writes,
            settings=self.settings,
            loaders=Loaders(self.sessions, viewer),
            request=request,
            response=response,
        )

    async def run(
        self,
        context: Context,
        document: str | None,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        allowed: Iterable[OperationType] | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Execute in an existing context (the view's, which closes it with the response)."""
        result: ExecutionResult = await self.schema.execute(
            document,
            variable_values=variables,
            context_value=context,
            operation_name=operation_name,
            allowed_operation_types=allowed,
            operation_extensions=extensions,
        )
        return result

    async def execute(
        self,
        viewer: Viewer,
        request_id: str,
        document: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
    ) -> ExecutionResult:
        """Run one operation as `viewer` in a context of its own, closed when it is done."""
        context = self.context_for(viewer, request_id)
        try:
            return await self.run(context, document, variables, operation_name)
        finally:
            await context.close()
