"""ModelVersion: one semantic version of a model, with artifacts, metrics and metadata."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry.types import Info

from app.graphql import context
from app.graphql.batching import now_or_later
from app.graphql.scalars import JSON, BigInt
from app.graphql.types.enums import VersionStatus
from app.graphql.types.node import Node, to_global_id
from app.graphql.types.version_parts import (
    ContainerImage,
    Processing,
    Requirement,
    Statistic,
    Timeout,
    VersionFile,
    VersionInput,
    VersionOutput,
)

if TYPE_CHECKING:
    from app.graphql.types.model import Model

ModelRef = Annotated["Model", strawberry.lazy("app.graphql.types.model")]


def _files(rows: list[Any]) -> list[VersionFile]:
    return [VersionFile(path=r.path, oid=r.oid, size_bytes=r.size_bytes) for r in rows]


@strawberry.type(description="A semantic version of a model (seeds 000, 001, 002, 004).")
class ModelVersion(Node):
    pk: strawberry.Private[int]
    model_pk: strawberry.Private[int]
    base_version_pk: strawberry.Private[int | None]
    artifact_id: str = strawberry.field(description="The artifact's UUID.")
    version: str = strawberry.field(description="Semver 2.0.0 version string.")
    name: str = strawberry.field(description="Canonical model name, `org/slug`.")
    is_prerelease: bool = strawberry.field(
        description="True for semver prereleases such as `1.0.0-rc.1`."
    )
    created_at: datetime = strawberry.field(description="When the version was published (UTC).")
    updated_at: datetime = strawberry.field(
        description="When its metadata or status last changed (UTC)."
    )
    framework: str | None = strawberry.field(
        description="Framework or format, e.g. `safetensors`; null when unknown."
    )
    architecture: str | None = strawberry.field(
        description="Model architecture, e.g. `LlamaForCausalLM`; null when unknown."
    )
    task: str | None = strawberry.field(description="Main task; null when unknown.")
    base_model: str | None = strawberry.field(description="The base model it derives from.")
    dataset_refs: list[str] = strawberry.field(
        description="Datasets it was trained or evaluated on."
    )
    tags: list[str] = strawberry.field(description="Free labels.")
    file_size_bytes: BigInt = strawberry.field(description="Total size of the artifacts.")
    download_count: BigInt = strawberry.field(
        description="Downloads of this version (`recordDownload`)."
    )
    is_public: bool = strawberry.field(
        description="False when only its organization's tokens can see it."
    )
    origin: JSON = strawberry.field(description="Origin tracking metadata.")
    status: VersionStatus = strawberry.field(description="Lifecycle state.")
    is_active: bool = strawberry.field(description="True when the status is ACTIVE.")
    is_available: bool = strawberry.field(
        description="False while the version is announced but not yet available."
    )
    requirement: Requirement | None = strawberry.field(
        description="Hardware it needs to run; null when unknown."
    )
    timeout: Timeout | None = strawberry.field(
        description="Time limits of its status and run routes; null when unknown."
    )
    container_image: ContainerImage | None = strawberry.field(
        description="Its container image; null when it has none."
    )
    inputs: list[VersionInput] = strawberry.field(description="Inputs it accepts.")
    outputs: list[VersionOutput] = strawberry.field(description="Outputs it produces.")
    processing: Processing | None = strawberry.field(
        description="Parallel capacity; null when unknown."
    )
    input_validation_schema: str | None = strawberry.field(
        description="A JSON Schema (as text) its inputs must satisfy; null when none."
    )
    sample_input: str | None = strawberry.field(
        description="An example request (JSON text); null when none."
    )
    sample_output: str | None = strawberry.field(
        description="The answer to `sampleInput` (JSON text); null when none."
    )
    long_description: str | None = strawberry.field(
        description="What it does and how (Markdown); null when none."
    )
    technical_details: str | None = strawberry.field(
        description="How it was designed and trained (Markdown); null when none."
    )
    version_history: str | None = strawberry.field(description="Release notes.")
    performance_summary: str | None = strawberry.field(
        description="A summary of its performance; null when none."
    )
    source_type: str | None = strawberry.field(
        description="Where the model comes from, e.g. `Open Source`, `Custom "
        "Model`; null when unknown."
    )

    @classmethod
    def from_optional_row(cls, row: Any) -> ModelVersion | None:
        return cls.from_row(row) if row is not None else None

    @classmethod
    def from_row(cls, row: Any) -> ModelVersion:
        """From a (ModelVersionRow, canonical_name) row."""
        v = row[0]
        return cls(
            id=to_global_id("ModelVersion", v.id),
            pk=v.id,
            model_pk=v.model_id,
            base_version_pk=v.base_version_id,
            artifact_id=v.artifact_id,
            version=v.version,
            name=row.canonical_name,
            is_prerelease=v.is_prerelease,
            created_at=v.created_at,
            updated_at=v.updated_at,
            framework=v.framework,
            architecture=v.architecture,
            task=v.task,
            base_model=v.base_model,
            dataset_refs=list(v.dataset_refs or []),
            tags=list(v.tags or []),
            file_size_bytes=v.file_size_bytes,
            download_count=v.download_count,
            is_public=v.is_public,
            origin=cast(JSON, dict(v.origin or {})),
            status=VersionStatus(v.status),
            is_active=v.status == "ACTIVE",
            is_available=v.is_available,
            requirement=Requirement.from_json(v.requirement),
            timeout=Timeout.from_json(v.timeout),
            container_image=ContainerImage.from_json(v.container_image),
            inputs=[VersionInput.from_json(item) for item in v.inputs or []],
            outputs=[VersionOutput.from_json(item) for item in v.outputs or []],
            processing=Processing.from_json(v.processing),
            input_validation_schema=v.input_validation_schema,
            sample_input=v.sample_input,
            sample_output=v.sample_output,
            long_description=v.long_description,
            technical_details=v.technical_details,
            version_history=v.version_history,
            performance_summary=v.performance_summary,
            source_type=v.source_type,
        )

    @strawberry.field(description="The model this is a version of.")
    def model(self, info: Info) -> ModelRef:
        from app.graphql.types.model import Model

        future = context.loaders(info).model_by_id.load(self.model_pk)
        return now_or_later(future, Model.from_record)

    @strawberry.field(description="Artifact files, by path.")
    def files(self, info: Info) -> list[VersionFile]:
        future = context.loaders(info).files_by_version.load(self.pk)
        return now_or_later(
            future,
            lambda rows: [
                VersionFile(path=r.path, oid=r.oid, size_bytes=r.size_bytes) for r in rows
            ],
        )

    @strawberry.field(description="Artifact path → OID map (the seeds' `artifacts`).")
    def file_oids(self, info: Info) -> JSON:
        future = context.loaders(info).files_by_version.load(self.pk)
        return now_or_later(future, lambda rows: cast(JSON, {r.path: r.oid for r in rows}))

    @strawberry.field(description="Metric key → value.")
    def metrics(self, info: Info) -> JSON:
        future = context.loaders(info).metrics_by_version.load(self.pk)
        return now_or_later(future, lambda found: cast(JSON, dict(found)))

    @strawberry.field(description="Performance metrics as the marketplace shows them.")
    async def statistics(self, info: Info) -> list[Statistic]:
        rows = await context.loaders(info).statistics_by_version.load(self.pk)
        return [
            Statistic(
                label=r.label,
                category=r.category,
                type=r.type,
                description=r.description,
                highlight=r.highlight,
                order=r.order,
                value=r.value,
            )
            for r in rows
        ]

    @strawberry.field(description="Aliases pointing at this version.")
    def aliases(self, info: Info) -> list[str]:
        future = context.loaders(info).aliases_by_version.load(self.pk)
        return now_or_later(future, list)

    @strawberry.field(description="The base version, when the base model is in the catalog.")
    async def base_version(self, info: Info) -> ModelVersion | None:
        if self.base_version_pk is None:
            return None
        row = await context.loaders(info).version_by_id.load(self.base_version_pk)
        return ModelVersion.from_row(row) if row is not None else None
