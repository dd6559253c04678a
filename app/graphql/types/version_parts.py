"""The marketplace metadata of a version (seed 004), typed from its stored JSON."""

from __future__ import annotations

from typing import Any

import strawberry

from app.graphql.scalars import BigInt


@strawberry.type(description="Hardware a version needs to run.")
class Requirement:
    gpu_units: int | None
    cpu_amount: str | None
    memory_amount: str | None

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
    status: BigInt | None
    run: BigInt | None

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Timeout | None:
        return cls(status=data.get("status"), run=data.get("run")) if data else None


@strawberry.type(description="The version's container image and its upload/load progress.")
class ContainerImage:
    upload_status: str | None
    load_status: str | None
    upload_percentage: int | None
    load_percentage: int | None
    container_image_size: BigInt | None
    registry_host: str | None
    repository_namespace: str | None
    repository_name: str | None
    image_prefix: str | None

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
    name: str
    accepted_media_types: str | None
    maximum_size: BigInt | None
    description: str | None

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
    name: str
    media_type: str | None
    maximum_size: BigInt | None
    description: str | None

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
    minimum_parallel_capacity: int | None
    maximum_parallel_capacity: int | None

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
    label: str
    category: str | None
    type: str | None
    description: str | None
    highlight: bool
    order: int
    value: float | None


@strawberry.type(description="An artifact file of a version.")
class VersionFile:
    path: str
    oid: str = strawberry.field(description="Content hash, `sha256:` + 64 hex digits.")
    size_bytes: BigInt
