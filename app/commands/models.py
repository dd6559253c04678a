"""Create and change models. `isPublic` switches a model and all its versions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands import emit, model_writer
from app.commands.access import require_role, writable_model
from app.commands.inputs import ModelChange, NewModel
from app.commands.model_fields import check_model_fields, model_values
from app.errors import AlreadyExists, NotFound, PermissionDenied
from app.events import kinds
from app.repositories import audit, catalog_writes, registry_writes
from app.services.validation import Checker


async def create_model(session: AsyncSession, viewer: Viewer, data: NewModel) -> int:
    require_role(viewer)
    check = Checker()
    check.slug(("input", "slug"), data.slug)
    check_model_fields(check, data, ("input",), creating=True)
    check.raise_if_any("Invalid model")
    orgs = await catalog_writes.organizations_by_slugs(session, [data.organization])
    org = orgs.get(data.organization)
    if org is None:
        raise NotFound(f"Organization '{data.organization}' not found")
    if org.id != viewer.organization_id:
        raise PermissionDenied(f"Only members of '{data.organization}' may add models to it")
    values = await model_values(session, viewer, check, data, ("input",))
    check.raise_if_any("Invalid model")
    if await catalog_writes.model_exists(session, org.id, data.slug):
        raise AlreadyExists(f"Model '{data.organization}/{data.slug}' already exists")
    row = await model_writer.create(
        session, {**values, "organization_id": org.id, "slug": data.slug}
    )
    await emit.emit(
        session,
        [emit.for_model(kinds.MODEL_CREATED, org.slug, row, row.is_public, name=row.name)],
    )
    audit.record(
        session,
        viewer,
        organization_id=org.id,
        action="create_model",
        target_type="Model",
        target_id=row.id,
        details={"slug": row.slug},
    )
    return row.id


async def update_model(session: AsyncSession, viewer: Viewer, data: ModelChange) -> int:
    check = Checker()
    check_model_fields(check, data.fields, ("input",), creating=False)
    check.raise_if_any("Invalid model")
    model = await writable_model(session, viewer, data.org, data.name)
    values = await model_values(session, viewer, check, data.fields, ("input",))
    if values.get("base_model_id") == model.id:
        check.add(("input", "baseModel"), "a model cannot be its own base")
    check.raise_if_any("Invalid model")
    visibility_before = model.is_public
    changed = await model_writer.update(session, model, values)
    if model.is_public != visibility_before:
        await registry_writes.set_model_versions_visibility(session, model.id, model.is_public)
    if changed:
        await emit.emit(session, emit.model_changed(data.org, model, changed, visibility_before))
        audit.record(
            session,
            viewer,
            organization_id=model.organization_id,
            action="update_model",
            target_type="Model",
            target_id=model.id,
            details={"fields": sorted(values)},
        )
    return model.id
