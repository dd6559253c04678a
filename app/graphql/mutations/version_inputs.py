"""Input types for publishing and updating versions (checked by app/commands/version_fields.py)."""

from __future__ import annotations

import strawberry

from app.graphql.scalars import JSON, BigInt
from app.graphql.types.enums import VersionStatus


@strawberry.input(description="An artifact file of a version to publish.")
class FileInput:
    path: str = strawberry.field(
        description="Path within the artifact (1-500 characters), unique in the version."
    )
    oid: str = strawberry.field(description="`sha256:` + 64 hex digits, or 64 hex digits.")
    size_bytes: BigInt = strawberry.field(description="File size in bytes (≥ 0).")


@strawberry.input(description="A performance metric as the marketplace shows it.")
class StatisticInput:
    label: str = strawberry.field(description="What is measured (1-200 characters).")
    category: str | None = strawberry.field(
        default=None, description="Group shown by the marketplace."
    )
    type: str | None = strawberry.field(
        default=None, description="Kind of value, e.g. `percentage`."
    )
    description: str | None = strawberry.field(default=None, description="What the metric means.")
    highlight: bool = strawberry.field(
        default=False, description="True to highlight it; default false."
    )
    order: int = strawberry.field(
        default=0, description="Position in the list (ascending); default 0."
    )
    value: float | None = strawberry.field(default=None, description="The value (a finite number).")


@strawberry.input(description="Hardware a version needs to run.")
class RequirementInput:
    gpu_units: int | None = strawberry.field(default=None, description="GPUs needed (≥ 0).")
    cpu_amount: str | None = strawberry.field(default=None, description="CPU needed, e.g. `1000m`.")
    memory_amount: str | None = strawberry.field(
        default=None, description="Memory needed, e.g. `2Gi`."
    )


@strawberry.input(description="Time limits of a version's routes, in milliseconds.")
class TimeoutInput:
    status: BigInt | None = strawberry.field(
        default=None, description="Time limit of the status route, milliseconds (≥ 0)."
    )
    run: BigInt | None = strawberry.field(
        default=None, description="Time limit of the run route, milliseconds (≥ 0)."
    )


@strawberry.input(description="A version's container image; every field is optional.")
class ContainerImageInput:
    upload_status: str | None = strawberry.field(
        default=None, description="State of the image upload, e.g. `UPLOADED`."
    )
    load_status: str | None = strawberry.field(
        default=None, description="State of the load (/status) check, e.g. `LOADED`."
    )
    upload_percentage: int | None = strawberry.field(
        default=None, description="Upload progress, 0-100."
    )
    load_percentage: int | None = strawberry.field(
        default=None, description="Load progress, 0-100."
    )
    container_image_size: BigInt | None = strawberry.field(
        default=None, description="Image size in bytes (≥ 0)."
    )
    registry_host: str | None = strawberry.field(
        default=None, description="Registry host name, e.g. `ghcr.io`."
    )
    repository_namespace: str | None = strawberry.field(
        default=None, description="Repository namespace (owner) in the registry."
    )
    repository_name: str | None = strawberry.field(
        default=None, description="Repository name in the registry."
    )
    image_prefix: str | None = strawberry.field(
        default=None, description="Image tag (or tag prefix)."
    )


@strawberry.input(description="An input a version accepts.")
class InputSpecInput:
    name: str = strawberry.field(
        description="Input file name, e.g. `input.txt` (1-200 characters)."
    )
    accepted_media_types: str | None = strawberry.field(
        default=None, description="Media types accepted, e.g. `application/json`."
    )
    maximum_size: BigInt | None = strawberry.field(
        default=None, description="Largest accepted size in bytes."
    )
    description: str | None = strawberry.field(default=None, description="What the input is.")


@strawberry.input(description="An output a version produces.")
class OutputSpecInput:
    name: str = strawberry.field(
        description="Output file name, e.g. `results.json` (1-200 characters)."
    )
    media_type: str | None = strawberry.field(
        default=None, description="Media type, e.g. `application/json`."
    )
    maximum_size: BigInt | None = strawberry.field(
        default=None, description="Largest size in bytes."
    )
    description: str | None = strawberry.field(default=None, description="What the output is.")


@strawberry.input(
    description="Parallel capacity of a version; the minimum must not exceed the maximum."
)
class ProcessingInput:
    minimum_parallel_capacity: int | None = strawberry.field(
        default=None, description="Fewest parallel instances (≥ 0)."
    )
    maximum_parallel_capacity: int | None = strawberry.field(
        default=None, description="Most parallel instances (≥ 0)."
    )


@strawberry.input(description="What can change after publishing (artifacts and version cannot).")
class VersionMetadataInput:
    tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Free labels (replaces them all)."
    )
    dataset_refs: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Datasets it was trained or evaluated on (replaces them all).",
    )
    metrics: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Metric name → finite number."
    )
    statistics: list[StatisticInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Performance metrics as the marketplace shows them (replaces them all).",
    )
    origin: JSON | None = strawberry.field(
        default=strawberry.UNSET, description="Origin tracking metadata (a JSON object)."
    )
    requirement: RequirementInput | None = strawberry.field(
        default=strawberry.UNSET, description="Hardware it needs to run."
    )
    timeout: TimeoutInput | None = strawberry.field(
        default=strawberry.UNSET, description="Time limits of its status and run routes."
    )
    container_image: ContainerImageInput | None = strawberry.field(
        default=strawberry.UNSET, description="Its container image."
    )
    inputs: list[InputSpecInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Inputs it accepts (replaces them all)."
    )
    outputs: list[OutputSpecInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Outputs it produces (replaces them all)."
    )
    processing: ProcessingInput | None = strawberry.field(
        default=strawberry.UNSET, description="Parallel capacity."
    )
    input_validation_schema: str | None = strawberry.field(
        default=strawberry.UNSET, description="A JSON Schema (as text) its inputs must satisfy."
    )
    sample_input: str | None = strawberry.field(
        default=strawberry.UNSET, description="An example request (JSON text)."
    )
    sample_output: str | None = strawberry.field(
        default=strawberry.UNSET, description="The answer to `sampleInput` (JSON text)."
    )
    long_description: str | None = strawberry.field(
        default=strawberry.UNSET, description="What it does and how (Markdown)."
    )
    technical_details: str | None = strawberry.field(
        default=strawberry.UNSET, description="How it was designed and trained (Markdown)."
    )
    version_history: str | None = strawberry.field(
        default=strawberry.UNSET, description="Release notes."
    )
    performance_summary: str | None = strawberry.field(
        default=strawberry.UNSET, description="A summary of its performance."
    )
    source_type: str | None = strawberry.field(
        default=strawberry.UNSET, description="Where the model comes from, e.g. `Open Source`."
    )
    is_available: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False while announced but not yet available; null counts as omitted.",
    )
    is_public: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="False: only the organization's tokens see it (always so "
        "under a private model); null counts as omitted.",
    )


@strawberry.input(
    description="A new version of a model; its artifacts are immutable once published."
)
class PublishVersionInput(VersionMetadataInput):
    org: str = strawberry.field(description="The model's organization slug (the token's own).")
    name: str = strawberry.field(description="The model's slug.")
    version: str = strawberry.field(description="Semver 2.0.0.")
    files: list[FileInput] = strawberry.field(
        default_factory=list,
        description="The artifact files (their paths unique); fixed once published.",
    )
    artifact_id: str | None = strawberry.field(
        default=None, description="UUID; generated if omitted."
    )
    framework: str | None = strawberry.field(
        default=None, description="Framework or format, e.g. `safetensors`."
    )
    architecture: str | None = strawberry.field(
        default=None, description="Model architecture, e.g. `LlamaForCausalLM`."
    )
    task: str | None = strawberry.field(
        default=None, description="Main task, e.g. `text-generation`."
    )
    base_model: str | None = strawberry.field(
        default=None, description="`org/slug` or `org/slug@version` for catalog lineage."
    )
    status: VersionStatus = strawberry.field(
        default=VersionStatus.ACTIVE, description="Initial state; default ACTIVE."
    )
    aliases: list[str] = strawberry.field(
        default_factory=list, description='Aliases to point at the new version, e.g. `["latest"]`.'
    )
