"""Point aliases at versions and remove them; every move is recorded in the alias history."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands import emit
from app.commands.access import writable_model, writable_version
from app.commands.inputs import AliasChange, AliasRef
from app.db.tables import ModelVersionRow
from app.errors import NotFound
from app.repositories import audit, registry_writes
from app.services.validation import Checker


async def set_alias(session: AsyncSession, viewer: Viewer, data: AliasChange) -> int:
    """Returns the model's id."""
    check = Checker()
    check.alias(("alias",), data.alias)
    check.semver(("version",), data.version)
    check.raise_if_any("Invalid alias")
    model, row = await writable_version(session, viewer, data.org, data.name, data.version)
    if row.status == "DELETED":
        raise NotFound(f"Version '{data.version}' of model '{data.org}/{data.name}' not found")
    _, previous = await registry_writes.set_alias(session, viewer, model.id, data.alias, row.id)
    event = await emit.alias_pointed(session, data.org, model, data.alias, previous, row)
    if event is not None:
        await emit.emit(session, [event])
    if previous != row.id:
        audit.record(
            session,
            viewer,
            organization_id=model.organization_id,
            action="set_alias",
            target_type="Model",
            target_id=model.id,
            details={"alias": data.alias, "to": data.version, "from_version_id": previous},
        )
    return model.id


async def remove_alias(session: AsyncSession, viewer: Viewer, data: AliasRef) -> int:
    model = await writable_model(session, viewer, data.org, data.name)
    row = await registry_writes.alias_row(session, model.id, data.alias)
    if row is None:
        raise NotFound(f"Alias '{data.alias}' of model '{data.org}/{data.name}' not found")
    version = await session.get(ModelVersionRow, row.version_id)
    await registry_writes.remove_alias(session, viewer, row)
    if version is not None:
        await emit.emit(session, [emit.alias_removed(data.org, model, data.alias, version)])
    audit.record(
        session,
        viewer,
        organization_id=model.organization_id,
        action="remove_alias",
        target_type="Model",
        target_id=model.id,
        details={"alias": data.alias},
    )
    return model.id
