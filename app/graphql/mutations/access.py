"""How a mutation runs its command: typed input in, one transaction, fresh loaders after."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from app.auth import Viewer
from app.commands import inputs, runner
from app.graphql import context

T = TypeVar("T")


async def run_command(
    info: Info[Any, Any], command: Callable[[AsyncSession, Viewer, Any], Awaitable[T]], data: Any
) -> T:
    """Run `command(session, viewer, data)` in one transaction; loaders are renewed after."""
    ctx = context.get(info)
    result = await runner.run(ctx.writes, lambda session: command(session, ctx.viewer, data))
    context.refresh_loaders(info)
    return result


def command_input(cls: type[T], data: Any, **extra: Any) -> T:
    """The command's typed input from a GraphQL input: fields by name, nested inputs as
    snake_case dicts, enums as their values, strawberry's UNSET as the commands' UNSET."""
    assert dataclasses.is_dataclass(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name not in extra]
    given = {name: _plain(getattr(data, name)) for name in names if hasattr(data, name)}
    return cls(**given, **extra)


def _plain(value: Any) -> Any:
    if value is strawberry.UNSET:
        return inputs.UNSET
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
