"""Input types for publishing and updating versions (checked by app/commands/version_fields.py)."""

from __future__ import annotations

import strawberry

from app.graphql.scalars import JSON, BigInt
from app.graphql.types.enums import VersionStatus


@strawberry.input
class FileInput:
    path: str
    oid: str = strawberry.field(description="`sha256:` + 64 hex digits, or 64 hex digits.")
    size_bytes: BigInt


@strawberry.input
class StatisticInput:
    label: str
    category: str | None = None
    type: str | None = None
    description: str | None = None
    highlight: bool = False
    order: int = 0
    value: float | None = None


@strawberry.input
class RequirementInput:
    gpu_units: int | None = None
    cpu_amount: str | None = None
    memory_amount: str | None = None


@strawberry.input
class TimeoutInput:
    status: BigInt | None = None
    run: BigInt | None = None


@strawberry.input
class ContainerImageInput:
    upload_status: str | None = None
    load_status: str | None = None
    upload_percentage: int | None = None
    load_percentage: int | None = None
    container_image_size: BigInt | None = None
    registry_host: str | None = None
    repository_namespace: str | None = None
    repository_name: str | None = None
    image_prefix: str | None = None


@strawberry.input(description="An input a version accepts.")
class InputSpecInput:
    name: str
    accepted_media_types: str | None = None
    maximum_size: BigInt | None = None
    description: str | None = None


@strawberry.input(description="An output a version produces.")
class OutputSpecInput:
    name: str
    media_type: str | None = None
    maximum_size: BigInt | None = None
    description: str | None = None


@strawberry.input
class ProcessingInput:
    minimum_parallel_capacity: int | None = None
    maximum_parallel_capacity: int | None = None


@strawberry.input(description="What can change after publishing (artifacts and version cannot).")
class VersionMetadataInput:
    tags: list[str] | None = strawberry.UNSET
    dataset_refs: list[str] | None = strawberry.UNSET
    metrics: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Metric name → finite number."
    )
    statistics: list[StatisticInput] | None = strawberry.UNSET
    origin: JSON | None = strawberry.UNSET
    requirement: RequirementInput | None = strawberry.UNSET
    timeout: TimeoutInput | None = strawberry.UNSET
    container_image: ContainerImageInput | None = strawberry.UNSET
    inputs: list[InputSpecInput] | None = strawberry.UNSET
    outputs: list[OutputSpecInput] | None = strawberry.UNSET
    processing: ProcessingInput | None = strawberry.UNSET
    input_validation_schema: str | None = strawberry.UNSET
    sample_input: str | None = strawberry.UNSET
    sample_output: str | None = strawberry.UNSET
    long_description: str | None = strawberry.UNSET
    technical_details: str | None = strawberry.UNSET
    version_history: str | None = strawberry.UNSET
    performance_summary: str | None = strawberry.UNSET
    source_type: str | None = strawberry.UNSET
    is_available: bool | None = strawberry.UNSET
    is_public: bool | None = strawberry.UNSET


@strawberry.input(
    description="A new version of a model; its artifacts are immutable once published."
)
class PublishVersionInput(VersionMetadataInput):
    org: str
    name: str = strawberry.field(description="The model's slug.")
    version: str = strawberry.field(description="Semver 2.0.0.")
    files: list[FileInput] = strawberry.field(default_factory=list)
    artifact_id: str | None = strawberry.field(
        default=None, description="UUID; generated if omitted."
    )
    framework: str | None = None
    architecture: str | None = None
    task: str | None = None
    base_model: str | None = strawberry.field(
        default=None, description="`org/slug` or `org/slug@version` for catalog lineage."
    )
    status: VersionStatus = VersionStatus.ACTIVE
    aliases: list[str] = strawberry.field(default_factory=list)
