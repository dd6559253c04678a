"""Publish and change versions, move them through their lifecycle, count downloads."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands import emit
from app.commands.access import writable_model, writable_version
from app.commands.inputs import UNSET, NewVersion, StatusChange, VersionChange, VersionRef
from app.commands.version_fields import (
    check_metadata,
    check_publish,
    metadata_values,
    statistics_values,
)
from app.db.base import utcnow
from app.db.tables import ModelRow, ModelVersionRow
from app.errors import AlreadyExists, FieldError, NotFound, ValidationFailed
from app.events import kinds
from app.repositories import audit, registry_writes
from app.repositories import models as models_repo
from app.repositories import versions as versions_repo
from app.services import semver
from app.services.validation import Checker, normalize_oid, transition_allowed


def _audit_version(
    session: AsyncSession,
    viewer: Viewer,
    model: ModelRow,
    row: ModelVersionRow,
    action: str,
    **details: Any,
) -> None:
    audit.record(
        session,
        viewer,
        organization_id=model.organization_id,
        action=action,
        target_type="ModelVersion",
        target_id=row.id,
        details={"model": model.slug, "version": row.version, **details},
    )


async def base_version_id(session: AsyncSession, viewer: Viewer, ref: str | None) -> int | None:
    """Lineage: `org/slug[@version]` → that version (or the base's latest) when visible."""
    if not ref or "/" not in ref:
        return None
    name, _, wanted = ref.partition("@")
    org, _, slug = name.partition("/")
    found = await models_repo.by_names(session, viewer, [(org, slug)])
    if not found:
        return None
    model_id = found[0][0].id
    if wanted:
        if not semver.is_valid(wanted):
            return None
        rows = await versions_repo.by_model_and_version(session, viewer, [(model_id, wanted)])
        return int(rows[0][0].id) if rows else None
    latest = await versions_repo.latest_by_model(session, viewer, [model_id], active_only=False)
    row = latest.get(model_id)
    return int(row[0].id) if row is not None else None


async def publish_version(session: AsyncSession, viewer: Viewer, data: NewVersion) -> int:
    check_publish(data)
    base_id = await base_version_id(session, viewer, data.base_model)
    model = await writable_model(session, viewer, data.org, data.name)
    if await registry_writes.version_row(session, model.id, data.version) is not None:
        raise AlreadyExists(f"Version '{data.version}' of '{data.org}/{data.name}' already exists")
    artifact_id = data.artifact_id or str(uuid.uuid4())
    if await registry_writes.artifact_id_taken(session, artifact_id):
        raise AlreadyExists(f"Artifact id '{artifact_id}' is already used")
    parsed = semver.parse(data.version)
    files: list[dict[str, Any]] = [
        {"path": f["path"], "oid": normalize_oid(f["oid"]), "size_bytes": int(f["size_bytes"])}
        for f in data.files
    ]
    values = {
        **metadata_values(data),
        "model_id": model.id,
        "version": data.version,
        "semver_key": semver.sort_key(parsed),
        "is_prerelease": parsed.is_prerelease,
        "artifact_id": artifact_id,
        "framework": data.framework,
        "architecture": data.architecture,
        "task": data.task,
        "base_model": data.base_model,
        "base_version_id": base_id,
        "status": data.status,
        "file_size_bytes": sum(f["size_bytes"] for f in files),
    }
    if not model.is_public:
        values["is_public"] = False  # a private model's versions stay private
    metrics: dict[str, Any] = data.metrics if isinstance(data.metrics, dict) else {}
    stats = statistics_values(data.statistics) if data.statistics else []
    row = await registry_writes.insert_version(
        session, values, files, {k: float(v) for k, v in metrics.items()}, stats
    )
    events = [
        emit.for_model(kinds.VERSION_PUBLISHED, data.org, model, emit.version_public(model, row),
                       version=row.version, status=row.status, aliases=list(data.aliases))
    ]  # fmt: skip
    for alias in data.aliases:
        _, previous = await registry_writes.set_alias(session, viewer, model.id, alias, row.id)
        moved = await emit.alias_pointed(session, data.org, model, alias, previous, row)
        events += [moved] if moved is not None else []
    await emit.emit(session, events)
    _audit_version(session, viewer, model, row, "publish_version", files=len(files))
    return row.id


async def update_version(session: AsyncSession, viewer: Viewer, data: VersionChange) -> int:
    meta = data.metadata
    check = Checker()
    check_metadata(check, meta, ("input",))
    check.raise_if_any("Invalid version metadata")
    model, row = await writable_version(session, viewer, data.org, data.name, data.version)
    values = metadata_values(meta)
    if values.get("is_public") and not model.is_public:
        raise ValidationFailed(
            "Invalid version metadata",
            [FieldError(("input", "isPublic"), "a private model's versions stay private",
                        "value_error")],
        )  # fmt: skip
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for key in changed:
        setattr(row, key, values[key])
    new_metrics: dict[str, Any] = meta.metrics if isinstance(meta.metrics, dict) else {}
    replace_metrics = isinstance(meta.metrics, dict) or meta.metrics is None
    replace_stats = meta.statistics is not UNSET
    await registry_writes.clear_children(
        session, row.id, metrics=replace_metrics, statistics=replace_stats
    )
    registry_writes.replace_children(
        session,
        row.id,
        {k: float(v) for k, v in new_metrics.items()} if replace_metrics else None,
        statistics_values(meta.statistics or []) if replace_stats else None,
    )
    row.updated_at = utcnow()
    _audit_version(session, viewer, model, row, "update_version", fields=sorted(values))
    return row.id


async def set_version_status(session: AsyncSession, viewer: Viewer, data: StatusChange) -> int:
    model, row = await writable_version(session, viewer, data.org, data.name, data.version)
    if data.status == "DELETED" or not transition_allowed(row.status, data.status):
        raise ValidationFailed(
            "Invalid status change",
            [FieldError(("status",), f"cannot change {row.status} to {data.status}",
                        "value_error.transition")],
        )  # fmt: skip
    if row.status != data.status:
        _audit_version(
            session, viewer, model, row, "set_version_status",
            **{"from": row.status, "to": data.status},
        )  # fmt: skip
        event = emit.for_model(
            kinds.VERSION_STATUS_CHANGED, data.org, model, emit.version_public(model, row),
            version=row.version, **{"from": row.status, "to": data.status},
        )  # fmt: skip
        await emit.emit(session, [event])
        row.status = data.status
    return row.id


async def _live_version(
    session: AsyncSession, viewer: Viewer, data: VersionRef
) -> tuple[ModelRow, ModelVersionRow]:
    model, row = await writable_version(session, viewer, data.org, data.name, data.version)
    if row.status == "DELETED":
        raise NotFound(f"Version '{data.version}' of model '{data.org}/{data.name}' not found")
    return model, row


async def delete_version(session: AsyncSession, viewer: Viewer, data: VersionRef) -> int:
    """Soft delete: status DELETED, its aliases removed (recorded in their history)."""
    model, row = await _live_version(session, viewer, data)
    events = []
    for alias in await registry_writes.aliases_of_version(session, row.id):
        await registry_writes.remove_alias(session, viewer, alias)
        events.append(emit.alias_removed(data.org, model, alias.alias, row))
    events.append(
        emit.for_model(kinds.VERSION_DELETED, data.org, model, emit.version_public(model, row),
                       version=row.version, previousStatus=row.status)
    )  # fmt: skip
    await emit.emit(session, events)
    _audit_version(session, viewer, model, row, "delete_version", previous_status=row.status)
    row.status = "DELETED"
    return row.id


async def record_download(session: AsyncSession, viewer: Viewer, data: VersionRef) -> int:
    model, row = await _live_version(session, viewer, data)
    await registry_writes.record_download(session, row)
    _audit_version(session, viewer, model, row, "record_download")
    return row.id
