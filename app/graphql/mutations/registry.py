"""Registry mutations: publish and update versions, lifecycle, aliases, downloads."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from app.db.base import utcnow
from app.errors import AlreadyExists, FieldError, NotFound, ValidationFailed
from app.graphql import context
from app.graphql.mutations.access import in_transaction, writable_model, writable_version
from app.graphql.mutations.version_inputs import (
    PublishVersionInput,
    VersionMetadataInput,
    check_metadata,
    metadata_values,
    statistics_values,
)
from app.graphql.types.enums import VersionStatus
from app.graphql.types.model import Model, ModelAlias
from app.graphql.types.version import ModelVersion
from app.repositories import audit, registry_writes
from app.services import semver
from app.services.validation import (
    PUBLISHABLE_STATUSES,
    STATUS_TRANSITIONS,
    Checker,
    normalize_oid,
    transition_allowed,
)


def _check_publish(data: PublishVersionInput) -> None:
    check = Checker()
    check.semver(("input", "version"), data.version)
    if data.artifact_id is not None:
        try:
            uuid.UUID(data.artifact_id)
        except ValueError:
            check.add(("input", "artifactId"), "must be a UUID", "value_error.uuid")
    if data.status.value not in PUBLISHABLE_STATUSES:
        check.add(
            ("input", "status"), f"a new version may be {', '.join(sorted(PUBLISHABLE_STATUSES))}"
        )
    for index, f in enumerate(data.files):
        check.text(("input", "files", index, "path"), f.path, required=True, max_len=500)
        check.oid(("input", "files", index, "oid"), f.oid)
        check.non_negative(("input", "files", index, "sizeBytes"), f.size_bytes)
    check.unique(("input", "files"), [f.path for f in data.files], "path")
    for index, alias in enumerate(data.aliases):
        check.alias(("input", "aliases", index), alias)
    for name in ("framework", "architecture", "task"):
        check.text(("input", name), getattr(data, name), max_len=100)
    check.text(("input", "baseModel"), data.base_model, max_len=300)
    check_metadata(check, data, ("input",))
    check.raise_if_any("Invalid version")


async def _base_version_id(info: Info, ref: str | None) -> int | None:
    """Lineage: `org/slug[@version]` → that version (or the base's latest) when visible."""
    if not ref or "/" not in ref:
        return None
    name, _, wanted = ref.partition("@")
    org, _, slug = name.partition("/")
    loaders = context.loaders(info)
    model = await loaders.model_by_name.load((org, slug))
    if model is None:
        return None
    if wanted:
        row = (
            await loaders.version_by_ref.load((model.id, wanted))
            if semver.is_valid(wanted)
            else None
        )
    else:
        row = await loaders.latest_version.load((model.id, False))
    return row[0].id if row is not None else None


async def _version_result(info: Info, version_id: int) -> ModelVersion:
    row = await context.loaders(info).version_by_id.load(version_id)
    return ModelVersion.from_row(row)


def _audit_version(
    session: AsyncSession, info: Info, model: Any, row: Any, action: str, **details: Any
) -> None:
    audit.record(
        session,
        context.get(info).viewer,
        organization_id=model.organization_id,
        action=action,
        target_type="ModelVersion",
        target_id=row.id,
        details={"model": model.slug, "version": row.version, **details},
    )


@strawberry.type
class RegistryMutation:
    @strawberry.mutation(description="Publish a new version with its artifacts and metadata.")
    async def publish_version(
        self,
        info: Info,
        input: Annotated[
            PublishVersionInput,
            strawberry.argument(description="The version, its files and metadata."),
        ],
    ) -> ModelVersion | None:
        _check_publish(input)
        viewer = context.get(info).viewer
        base_version_id = await _base_version_id(info, input.base_model)

        async def work(session: AsyncSession) -> int:
            model = await writable_model(session, viewer, input.org, input.name)
            if await registry_writes.version_row(session, model.id, input.version) is not None:
                raise AlreadyExists(
                    f"Version '{input.version}' of '{input.org}/{input.name}' already exists"
                )
            artifact_id = input.artifact_id or str(uuid.uuid4())
            if await registry_writes.artifact_id_taken(session, artifact_id):
                raise AlreadyExists(f"Artifact id '{artifact_id}' is already used")
            parsed = semver.parse(input.version)
            files: list[dict[str, Any]] = [
                {"path": f.path, "oid": normalize_oid(f.oid), "size_bytes": int(f.size_bytes)}
                for f in input.files
            ]
            values = {
                **metadata_values(input),
                "model_id": model.id,
                "version": input.version,
                "semver_key": semver.sort_key(parsed),
                "is_prerelease": parsed.is_prerelease,
                "artifact_id": artifact_id,
                "framework": input.framework,
                "architecture": input.architecture,
                "task": input.task,
                "base_model": input.base_model,
                "base_version_id": base_version_id,
                "status": input.status.value,
                "file_size_bytes": sum(f["size_bytes"] for f in files),
            }
            if not model.is_public:
                values["is_public"] = False  # a private model's versions stay private
            metrics: dict[str, Any] = input.metrics if isinstance(input.metrics, dict) else {}
            stats = statistics_values(input.statistics) if input.statistics else []
            row = await registry_writes.insert_version(
                session, values, files, {k: float(v) for k, v in metrics.items()}, stats
            )
            for alias in input.aliases:
                await registry_writes.set_alias(session, viewer, model.id, alias, row.id)
            _audit_version(session, info, model, row, "publish_version", files=len(files))
            return row.id

        return await _version_result(info, await in_transaction(info, work))

    @strawberry.mutation(description="Change a version's metadata (not its artifacts or version).")
    async def update_version(
        self,
        info: Info,
        org: Annotated[
            str, strawberry.argument(description="The model's organization slug (the token's own).")
        ],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        version: Annotated[
            str, strawberry.argument(description="The version string, e.g. `1.2.0`.")
        ],
        input: Annotated[
            VersionMetadataInput,
            strawberry.argument(
                description="The metadata to change; omitted fields are left unchanged."
            ),
        ],
    ) -> ModelVersion | None:
        check = Checker()
        check_metadata(check, input, ("input",))
        check.raise_if_any("Invalid version metadata")
        viewer = context.get(info).viewer

        async def work(session: AsyncSession) -> int:
            model, row = await writable_version(session, viewer, org, name, version)
            values = metadata_values(input)
            if values.get("is_public") and not model.is_public:
                raise ValidationFailed(
                    "Invalid version metadata",
                    [
                        FieldError(
                            ("input", "isPublic"),
                            "a private model's versions stay private",
                            "value_error",
                        )
                    ],
                )
            changed = [k for k, v in values.items() if getattr(row, k) != v]
            for key in changed:
                setattr(row, key, values[key])
            new_metrics: dict[str, Any] = input.metrics if isinstance(input.metrics, dict) else {}
            replace_metrics = isinstance(input.metrics, dict) or input.metrics is None
            replace_stats = input.statistics is not strawberry.UNSET
            await registry_writes.clear_children(
                session, row.id, metrics=replace_metrics, statistics=replace_stats
            )
            registry_writes.replace_children(
                session,
                row.id,
                {k: float(v) for k, v in new_metrics.items()} if replace_metrics else None,
                statistics_values(input.statistics or []) if replace_stats else None,
            )
            row.updated_at = utcnow()
            _audit_version(session, info, model, row, "update_version", fields=sorted(values))
            return row.id

        return await _version_result(info, await in_transaction(info, work))

    @strawberry.mutation(
        description="Move a version through its lifecycle. Allowed: "
        + "; ".join(
            f"{k} → {', '.join(sorted(v)) or '(final)'}" for k, v in STATUS_TRANSITIONS.items()
        )
        + ". DELETED only through deleteVersion."
    )
    async def set_version_status(
        self,
        info: Info,
        org: Annotated[
            str, strawberry.argument(description="The model's organization slug (the token's own).")
        ],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        version: Annotated[
            str, strawberry.argument(description="The version string, e.g. `1.2.0`.")
        ],
        status: Annotated[
            VersionStatus,
            strawberry.argument(description="The new state (not DELETED: use `deleteVersion`)."),
        ],
    ) -> ModelVersion | None:
        viewer = context.get(info).viewer

        async def work(session: AsyncSession) -> int:
            model, row = await writable_version(session, viewer, org, name, version)
            if status is VersionStatus.DELETED or not transition_allowed(row.status, status.value):
                raise ValidationFailed(
                    "Invalid status change",
                    [
                        FieldError(
                            ("status",),
                            f"cannot change {row.status} to {status.value}",
                            "value_error.transition",
                        )
                    ],
                )
            if row.status != status.value:
                _audit_version(
                    session,
                    info,
                    model,
                    row,
                    "set_version_status",
                    **{"from": row.status, "to": status.value},
                )
                row.status = status.value
            return row.id

        return await _version_result(info, await in_transaction(info, work))

    @strawberry.mutation(
        description="Soft-delete: status DELETED, hidden from lists, kept for audit."
    )
    async def delete_version(
        self,
        info: Info,
        org: Annotated[
            str, strawberry.argument(description="The model's organization slug (the token's own).")
        ],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        version: Annotated[
            str, strawberry.argument(description="The version string, e.g. `1.2.0`.")
        ],
    ) -> ModelVersion | None:
        viewer = context.get(info).viewer

        async def work(session: AsyncSession) -> int:
            model, row = await writable_version(session, viewer, org, name, version)
            if row.status == "DELETED":
                raise NotFound(f"Version '{version}' of model '{org}/{name}' not found")
            for alias in await registry_writes.aliases_of_version(session, row.id):
                await registry_writes.remove_alias(session, viewer, alias)
            _audit_version(session, info, model, row, "delete_version", previous_status=row.status)
            row.status = "DELETED"
            return row.id

        return await _version_result(info, await in_transaction(info, work))

    @strawberry.mutation(description="Point an alias at a version; the move is recorded.")
    async def set_alias(
        self,
        info: Info,
        org: Annotated[
            str, strawberry.argument(description="The model's organization slug (the token's own).")
        ],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        alias: Annotated[
            str,
            strawberry.argument(
                description="The alias name (lowercase letters, digits, `.`, `_`, `-`; "
                "not a version), e.g. `production`."
            ),
        ],
        version: Annotated[
            str,
            strawberry.argument(description="The version string it should point at, e.g. `1.2.0`."),
        ],
    ) -> ModelAlias | None:
        check = Checker()
        check.alias(("alias",), alias)
        check.semver(("version",), version)
        check.raise_if_any("Invalid alias")
        viewer = context.get(info).viewer

        async def work(session: AsyncSession) -> tuple[int, int]:
            model, row = await writable_version(session, viewer, org, name, version)
            if row.status == "DELETED":
                raise NotFound(f"Version '{version}' of model '{org}/{name}' not found")
            alias_row, previous = await registry_writes.set_alias(
                session, viewer, model.id, alias, row.id
            )
            if previous != row.id:
                audit.record(
                    session,
                    viewer,
                    organization_id=model.organization_id,
                    action="set_alias",
                    target_type="Model",
                    target_id=model.id,
                    details={"alias": alias, "to": version, "from_version_id": previous},
                )
            return model.id, alias_row.id

        model_id, _ = await in_transaction(info, work)
        aliases = await context.loaders(info).aliases_by_model.load(model_id)
        alias_row, target = next((a, v) for a, v in aliases if a.alias == alias)
        return ModelAlias.from_row(alias_row, target)

    @strawberry.mutation(description="Remove an alias; the removal is recorded in its history.")
    async def remove_alias(
        self,
        info: Info,
        org: Annotated[
            str, strawberry.argument(description="The model's organization slug (the token's own).")
        ],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        alias: Annotated[str, strawberry.argument(description="The alias name to remove.")],
    ) -> Model | None:
        viewer = context.get(info).viewer

        async def work(session: AsyncSession) -> int:
            model = await writable_model(session, viewer, org, name)
            row = await registry_writes.alias_row(session, model.id, alias)
            if row is None:
                raise NotFound(f"Alias '{alias}' of model '{org}/{name}' not found")
            await registry_writes.remove_alias(session, viewer, row)
            audit.record(
                session,
                viewer,
                organization_id=model.organization_id,
                action="remove_alias",
                target_type="Model",
                target_id=model.id,
                details={"alias": alias},
            )
            return model.id

        model_id = await in_transaction(info, work)
        return Model.from_record(await context.loaders(info).model_by_id.load(model_id))

    @strawberry.mutation(description="Count one download of a version (atomic).")
    async def record_download(
        self,
        info: Info,
        org: Annotated[str, strawberry.argument(description="The model's organization slug.")],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        version: Annotated[
            str, strawberry.argument(description="The version string, e.g. `1.2.0`.")
        ],
    ) -> ModelVersion | None:
        viewer = context.get(info).viewer

        async def work(session: AsyncSession) -> int:
            model, row = await writable_version(session, viewer, org, name, version)
            if row.status == "DELETED":
                raise NotFound(f"Version '{version}' of model '{org}/{name}' not found")
            await registry_writes.record_download(session, row)
            _audit_version(session, info, model, row, "record_download")
            return row.id

        return await _version_result(info, await in_transaction(info, work))
