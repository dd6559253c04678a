"""The marketplace metadata of a version (seed 004), typed from its stored JSON."""

from __future__ import annotations

from typing import Any

import strawberry

from app.graphql.scalars import BigInt


@strawberry.type(description="Hardware a version needs to run.")
class Requirement:
    gpu_units: int | None = strawberry.field(description="GPUs needed; null when unknown.")
    cpu_amount: str | None = strawberry.field(
        description="CPU needed, e.g. `1000m`; null when unknown."
    )
    memory_amount: str | None = strawberry.field(
        description="Memory needed, e.g. `2Gi`; null when unknown."
    )

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Requirement | None:
        if not data:
            return None
        return cls(
            gpu_units=data.get("gpu_units"),
            cpu_amount=data.get("cpu_amount"),
            memory_amount=data.get("memory_amount"),
        )


@strawberry.type(description="Timeouts in milliseconds for the status and run routes.")
class Timeout:
    status: BigInt | None = strawberry.field(
        description="Time limit of the status route, milliseconds; null when unknown."
    )
    run: BigInt | None = strawberry.field(
        description="Time limit of the run route, milliseconds; null when unknown."
    )

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Timeout | None:
        return cls(status=data.get("status"), run=data.get("run")) if data else None


@strawberry.type(description="The version's container image and its upload/load progress.")
class ContainerImage:
    upload_status: str | None = strawberry.field(
        description="State of the image upload, e.g. `UPLOADED`; null when unknown."
    )
    load_status: str | None = strawberry.field(
        description="State of the load (/status) check, e.g. `LOADED`; null when unknown."
    )
    upload_percentage: int | None = strawberry.field(
        description="Upload progress, 0-100; null when unknown."
    )
    load_percentage: int | None = strawberry.field(
        description="Load progress, 0-100; null when unknown."
    )
    container_image_size: BigInt | None = strawberry.field(
        description="Image size in bytes; null when unknown."
    )
    registry_host: str | None = strawberry.field(description="Registry host name, e.g. `ghcr.io`.")
    repository_namespace: str | None = strawberry.field(
        description="Repository namespace (owner) in the registry."
    )
    repository_name: str | None = strawberry.field(description="Repository name in the registry.")
    image_prefix: str | None = strawberry.field(description="Image tag (or tag prefix).")

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ContainerImage | None:
        if not data:
            return None
        return cls(
            upload_status=data.get("upload_status"),
            load_status=data.get("load_status"),
            upload_percentage=data.get("upload_percentage"),
            load_percentage=data.get("load_percentage"),
            container_image_size=data.get("container_image_size"),
            registry_host=data.get("registry_host"),
            repository_namespace=data.get("repository_namespace"),
            repository_name=data.get("repository_name"),
            image_prefix=data.get("image_prefix"),
        )


@strawberry.type(description="An input the version accepts.")
class VersionInput:
    name: str = strawberry.field(description="Input file name, e.g. `input.txt`.")
    accepted_media_types: str | None = strawberry.field(
        description="Media types accepted; null when any."
    )
    maximum_size: BigInt | None = strawberry.field(
        description="Largest accepted size in bytes; null when unlimited."
    )
    description: str | None = strawberry.field(
        description="What the input is; null when undocumented."
    )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VersionInput:
        return cls(
            name=data["name"],
            accepted_media_types=data.get("accepted_media_types"),
            maximum_size=data.get("maximum_size"),
            description=data.get("description"),
        )


@strawberry.type(description="An output the version produces.")
class VersionOutput:
    name: str = strawberry.field(description="Output file name, e.g. `results.json`.")
    media_type: str | None = strawberry.field(description="Media type; null when unknown.")
    maximum_size: BigInt | None = strawberry.field(
        description="Largest size in bytes; null when unknown."
    )
    description: str | None = strawberry.field(
        description="What the output is; null when undocumented."
    )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> VersionOutput:
        return cls(
            name=data["name"],
            media_type=data.get("media_type"),
            maximum_size=data.get("maximum_size"),
            description=data.get("description"),
        )


@strawberry.type(description="Parallel processing capacity.")
class Processing:
    minimum_parallel_capacity: int | None = strawberry.field(
        description="Fewest parallel instances it runs on; null when unknown."
    )
    maximum_parallel_capacity: int | None = strawberry.field(
        description="Most parallel instances it runs on; null when unknown."
    )

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Processing | None:
        if not data:
            return None
        return cls(
            minimum_parallel_capacity=data.get("minimum_parallel_capacity"),
            maximum_parallel_capacity=data.get("maximum_parallel_capacity"),
        )


@strawberry.type(description="A performance statistic shown on the model's page.")
class Statistic:
    label: str = strawberry.field(description="What is measured, e.g. `Accuracy`.")
    category: str | None = strawberry.field(
        description="Group shown by the marketplace; null when none."
    )
    type: str | None = strawberry.field(
        description="Kind of value, e.g. `percentage`; null when unknown."
    )
    description: str | None = strawberry.field(description="What the metric means; null when none.")
    highlight: bool = strawberry.field(description="True when the marketplace highlights it.")
    order: int = strawberry.field(description="Position in the marketplace's list (ascending).")
    value: float | None = strawberry.field(description="The value; null when unknown.")


@strawberry.type(description="An artifact file of a version.")
class VersionFile:
    path: str = strawberry.field(description="Path within the artifact.")
    oid: str = strawberry.field(description="Content hash, `sha256:` + 64 hex digits.")
    size_bytes: BigInt = strawberry.field(description="Size in bytes.")
