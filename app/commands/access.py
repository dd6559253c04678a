"""Who may write what: role checks and the writable model or version of a command."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.tables import ModelRow, ModelVersionRow
from app.errors import AuthenticationError, NotFound, PermissionDenied
from app.repositories import models as models_repo
from app.repositories import registry_writes

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


# The operator at the command line (`catalog import`, `catalog seed`): no organization, all
# organizations' data. Only the CLI builds commands with it; no token resolves to it.
OPERATOR = Viewer(organization_id=None, organization_slug=None, role="admin", token_id=None)


def require_operator(viewer: Viewer) -> None:
    if viewer != OPERATOR:
        raise PermissionDenied("Only the operator (the `catalog` command line) may do this")
