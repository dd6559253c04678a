"""Who may write what, and the one-transaction runner every mutation uses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from app.auth import Viewer
from app.db.tables import ModelRow, ModelVersionRow
from app.errors import AlreadyExists, AuthenticationError, NotFound, PermissionDenied
from app.graphql import context
from app.repositories import models as models_repo
from app.repositories import registry_writes

T = TypeVar("T")
WRITE_ROLES = ("writer", "admin")


def require_role(viewer: Viewer, roles: tuple[str, ...] = WRITE_ROLES) -> None:
    if viewer.is_anonymous:
        raise AuthenticationError("Authentication required: send Authorization: Bearer <token>")
    if viewer.role not in roles:
        raise PermissionDenied(f"This needs a token with role {' or '.join(roles)}")


async def writable_model(session: AsyncSession, viewer: Viewer, org: str, name: str) -> ModelRow:
    """The model, if the viewer may write it. Invisible models are simply not found."""
    if viewer.is_anonymous:
        require_role(viewer)
    found = await models_repo.by_names(session, viewer, [(org, name)])
    if not found:
        raise NotFound(f"Model '{org}/{name}' not found")
    model: ModelRow = found[0][0]
    if model.organization_id != viewer.organization_id:
        raise PermissionDenied(f"Only members of '{org}' may change its models")
    require_role(viewer)
    return model


async def writable_version(
    session: AsyncSession, viewer: Viewer, org: str, name: str, version: str
) -> tuple[ModelRow, ModelVersionRow]:
    model = await writable_model(session, viewer, org, name)
    row = await registry_writes.version_row(session, model.id, version)
    if row is None:
        raise NotFound(f"Version '{version}' of model '{org}/{name}' not found")
    return model, row


async def in_transaction(info: Info[Any, Any], work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction; nothing is written if it raises. Loaders are renewed."""
    ctx = context.get(info)
    try:
        async with ctx.writes() as session, session.begin():
            result = await work(session)
    except IntegrityError as exc:
        # A concurrent writer won a uniqueness race that our checks could not see.
        raise AlreadyExists("The object conflicts with one that already exists") from exc
    context.refresh_loaders(info)
    return result
