"""Authentication middleware: `Authorization: Bearer <token>` → the request's Viewer.

No header means anonymous. A malformed, unknown or revoked token is refused with HTTP 401 and
the envelope as the body, before any GraphQL runs. Every request gets a request id here.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.auth import ANONYMOUS, Viewer
from app.db.failures import upstream_error
from app.errors import AuthenticationError
from app.http.raw_headers import header
from app.http.request_id import request_id_of
from app.http.responses import error_response
from app.repositories import tokens as tokens_repo
from app.services import tokens

logger = logging.getLogger("app.http")


class AuthMiddleware:
    def __init__(self, app: ASGIApp, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.app = app
        self.sessions = sessions

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        request_id = request_id_of(request)
        request.state.request_id = request_id
        try:
            request.state.viewer = await self._viewer(header(scope, b"authorization"))
        except AuthenticationError as error:
            await error_response(error, request_id)(scope, receive, send)
            return
        except Exception as unexpected:
            failure = upstream_error(unexpected)
            if failure is None:
                raise
            logger.error("token lookup failed (request %s)", request_id, exc_info=unexpected)
            await error_response(failure, request_id)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _viewer(self, header: str | None) -> Viewer:
        return await viewer_for(self.sessions, header)


async def viewer_for(sessions: async_sessionmaker[AsyncSession], header: str | None) -> Viewer:
    """The viewer of an `Authorization` value (also a WebSocket's connection_init)."""
    if header is None:
        return ANONYMOUS
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not tokens.is_well_formed(secret):
        raise AuthenticationError("Authentication failed: malformed bearer token")
    async with sessions() as session:
        found = await tokens_repo.viewer_row(session, tokens.hash_secret(secret))
    if found is None:
        raise AuthenticationError("Authentication failed: unknown or revoked token")
    token, organization_slug = found
    return Viewer(
        organization_id=token.organization_id,
        organization_slug=organization_slug,
        role=token.role,
        token_id=token.id,
    )
