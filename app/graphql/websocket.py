"""GraphQL over WebSocket (graphql-transport-ws): the token in connection_init, limits.

The bearer token comes in the connection_init payload (`{"Authorization": "Bearer ..."}`, or
`{"token": "..."}`); no token is anonymous, a bad one closes the socket with 4403. A connection
with no subscription and no message for the idle timeout is closed with 4408; the number of
subscriptions per connection is limited by the view (`max_subscriptions_per_connection`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message

from app.errors import AuthenticationError
from app.graphql.context import Context
from app.graphql.loaders import Loaders
from app.http.auth import viewer_for

IDLE_CLOSE_CODE = 4408


class TextFrames(ASGIWebSocketAdapter):
    """Messages as text frames, as the protocol requires (the view's orjson encoder gives
    bytes, which Strawberry would send as binary frames that browsers' clients refuse)."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        encoded = self.view.encode_json(message)
        text = encoded.decode() if isinstance(encoded, bytes) else encoded
        try:
            await self.ws.send_text(text)
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


def _authorization(params: dict[str, Any]) -> str | None:
    header = params.get("Authorization", params.get("authorization"))
    if header is None and params.get("token") is not None:
        header = f"Bearer {params['token']}"
    if header is not None and not isinstance(header, str):
        raise ConnectionRejectionError({"message": "Authorization must be a string"})
    return header


async def authenticate(
    context: Context, sessions: async_sessionmaker[AsyncSession]
) -> dict[str, Any]:
    """on_ws_connect: the connection's viewer from its connection_init payload."""
    try:
        viewer = await viewer_for(sessions, _authorization(context.connection_params or {}))
    except AuthenticationError as error:
        raise ConnectionRejectionError({"message": error.detail}) from None
    context.viewer = viewer
    context.loaders = Loaders(context.sessions, viewer)
    return {"organization": viewer.organization_slug, "role": viewer.role}


class LiveConnectionHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's handler, closing connections that stay idle."""

    _last_activity = 0.0
    _idle_task: asyncio.Task[None] | None = None

    @property
    def idle_seconds(self) -> float:
        return float(getattr(self.view, "idle_timeout_seconds", 300.0))

    def on_request_accepted(self) -> None:
        super().on_request_accepted()
        self._last_activity = time.monotonic()
        self._idle_task = asyncio.create_task(self._close_when_idle())

    async def handle_message(self, message: Message) -> None:
        self._last_activity = time.monotonic()
        await super().handle_message(message)

    async def _close_when_idle(self) -> None:
        while True:
            await asyncio.sleep(min(self.idle_seconds, 5.0))
            if self.operations:
                self._last_activity = time.monotonic()
            elif time.monotonic() - self._last_activity >= self.idle_seconds:
                with contextlib.suppress(Exception):
                    await self.websocket.close(code=IDLE_CLOSE_CODE, reason="Idle timeout")
                return

    async def shutdown(self) -> None:
        if self._idle_task is not None:
            self._idle_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._idle_task
        await super().shutdown()
