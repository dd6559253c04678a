"""Input types for publishing and updating versions, and their checks and column values."""

from __future__ import annotations

from typing import Any

import strawberry

from app.graphql.scalars import JSON, BigInt
from app.graphql.types.enums import VersionStatus
from app.repositories.registry_writes import MARKETPLACE_TEXT_FIELDS
from app.services.validation import Checker, Loc
from app.services.validation import camel as _camel


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


def _plain(obj: Any) -> dict[str, Any] | None:
    """A nested input as the snake_case dict stored in JSON columns."""
    if obj is None:
        return None
    return {name: getattr(obj, name) for name in obj.__dataclass_fields__}


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


def check_metadata(check: Checker, meta: VersionMetadataInput, loc: Loc) -> None:
    if meta.metrics not in (None, strawberry.UNSET):
        check.metrics((*loc, "metrics"), meta.metrics)
    if meta.origin not in (None, strawberry.UNSET) and not isinstance(meta.origin, dict):
        check.add((*loc, "origin"), "must be an object", "type_error.object")
    for name in MARKETPLACE_TEXT_FIELDS:
        value = getattr(meta, name)
        if isinstance(value, str):
            check.text((*loc, _camel(name)), value, max_len=100_000)
    if isinstance(meta.source_type, str):
        check.text((*loc, "sourceType"), meta.source_type, max_len=100)
    for index, stat in enumerate(meta.statistics or []):
        check.text((*loc, "statistics", index, "label"), stat.label, required=True, max_len=200)
        if stat.value is not None:
            check.finite((*loc, "statistics", index, "value"), stat.value)
    for field_name in ("inputs", "outputs"):
        for index, spec in enumerate(getattr(meta, field_name) or []):
            check.text((*loc, field_name, index, "name"), spec.name, required=True, max_len=200)
            check.non_negative((*loc, field_name, index, "maximumSize"), spec.maximum_size)
    if isinstance(meta.timeout, TimeoutInput):
        check.non_negative((*loc, "timeout", "status"), meta.timeout.status)
        check.non_negative((*loc, "timeout", "run"), meta.timeout.run)
    if isinstance(meta.processing, ProcessingInput):
        low = meta.processing.minimum_parallel_capacity
        high = meta.processing.maximum_parallel_capacity
        if low is not None and high is not None and low > high:
            check.add((*loc, "processing"), "minimum exceeds maximum")


def metadata_values(meta: VersionMetadataInput) -> dict[str, Any]:
    """Column values for the fields the caller gave (UNSET fields are left alone)."""
    values: dict[str, Any] = {}
    # Only the metadata fields, also when `meta` is a PublishVersionInput.
    for name in VersionMetadataInput.__dataclass_fields__:
        value = getattr(meta, name)
        if value is strawberry.UNSET or name in ("metrics", "statistics"):
            continue
        if name in ("requirement", "timeout", "container_image", "processing"):
            value = _plain(value)
        elif name in ("inputs", "outputs"):
            value = [_plain(v) for v in value or []]
        elif name in ("tags", "dataset_refs"):
            value = list(value or [])
        elif name == "origin":
            value = dict(value or {})
        elif name in ("is_available", "is_public") and value is None:
            continue
        values[name] = value
    return values


def statistics_values(stats: list[StatisticInput]) -> list[dict[str, Any]]:
    return [_plain(s) or {} for s in stats]


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
