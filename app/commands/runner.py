"""One transaction per command: commit or write nothing, then wake the event listeners."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.errors import AlreadyExists
from app.events import outbox, signal

T = TypeVar("T")


async def run(
    sessions: async_sessionmaker[AsyncSession], work: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    """Run `work` (a command bound to its viewer and input) in one transaction."""
    try:
        async with sessions() as session:
            async with session.begin():
                result = await work(session)
            emitted = session.info.pop(outbox.EMITTED, False)
    except IntegrityError as exc:
        # A concurrent writer won a uniqueness race that our checks could not see.
        raise AlreadyExists("The object conflicts with one that already exists") from exc
    if emitted:
        signal.committed()
    return result
