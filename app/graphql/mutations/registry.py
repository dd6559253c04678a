"""Registry mutations: publish and update versions, lifecycle, aliases, downloads.

The rules live in the commands (app/commands/versions.py, aliases.py); these resolvers convert
the input, run the command and load the result.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.commands import aliases, versions
from app.commands import inputs as cmd
from app.graphql import context
from app.graphql.mutations.access import command_input, run_command
from app.graphql.mutations.version_inputs import PublishVersionInput, VersionMetadataInput
from app.graphql.types.enums import VersionStatus
from app.graphql.types.model import Model, ModelAlias
from app.graphql.types.version import ModelVersion
from app.services.validation import STATUS_TRANSITIONS


async def _version_result(info: Info, version_id: int) -> ModelVersion:
    row = await context.loaders(info).version_by_id.load(version_id)
    return ModelVersion.from_row(row)


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
        data = command_input(cmd.NewVersion, input)
        return await _version_result(info, await run_command(info, versions.publish_version, data))

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
        meta = command_input(cmd.VersionMetadata, input)
        data = cmd.VersionChange(org=org, name=name, version=version, metadata=meta)
        return await _version_result(info, await run_command(info, versions.update_version, data))

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
        data = cmd.StatusChange(org=org, name=name, version=version, status=status.value)
        version_id = await run_command(info, versions.set_version_status, data)
        return await _version_result(info, version_id)

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
        data = cmd.VersionRef(org=org, name=name, version=version)
        return await _version_result(info, await run_command(info, versions.delete_version, data))

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
        data = cmd.AliasChange(org=org, name=name, alias=alias, version=version)
        model_id = await run_command(info, aliases.set_alias, data)
        found = await context.loaders(info).aliases_by_model.load(model_id)
        alias_row, target = next((a, v) for a, v in found if a.alias == alias)
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
        data = cmd.AliasRef(org=org, name=name, alias=alias)
        model_id = await run_command(info, aliases.remove_alias, data)
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
        data = cmd.VersionRef(org=org, name=name, version=version)
        return await _version_result(info, await run_command(info, versions.record_download, data))
