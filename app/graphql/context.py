"""Per-request context: who is asking, the request id and the request's own loaders."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import Info

from app.auth import Viewer
from app.graphql.loaders import Loaders
from app.settings import Settings


@dataclass
class Context:
    viewer: Viewer
    request_id: str
    sessions: async_sessionmaker[AsyncSession]
    writes: async_sessionmaker[AsyncSession]
    settings: Settings
    loaders: Loaders
    request: Any = None
    response: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # A WebSocket's connection_init payload (strawberry sets it; app/graphql/websocket.py).
    connection_params: dict[str, Any] | None = None
    # Loaders replaced after a write, whose read sessions close with the request.
    retired: list[Loaders] = field(default_factory=list)

    def read(self) -> AbstractAsyncContextManager[AsyncSession]:
        """The request's read session for a resolver's own query (see `Waves.reading`)."""
        return self.loaders.waves.reading()

    async def close(self) -> None:
        """At the end of the request: end its read transactions, return their connections."""
        for loaders in (*self.retired, self.loaders):
            await loaders.close()
        self.retired.clear()


def get(info: Info[Any, Any]) -> Context:
    context: Context = info.context
    return context


def loaders(info: Info[Any, Any]) -> Loaders:
    return get(info).loaders


def refresh_loaders(info: Info[Any, Any]) -> Loaders:
    """After a write: later fields must not see what loaders cached before it."""
    ctx = get(info)
    ctx.retired.append(ctx.loaders)
    ctx.loaders = Loaders(ctx.sessions, ctx.viewer)
    return ctx.loaders
