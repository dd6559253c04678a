"""Typed inputs of the commands: plain dataclasses, free of GraphQL.

`UNSET` marks a field the caller did not give (an update leaves it alone); None is a value.
Nested objects (files, tags, statistics, requirement, ...) are plain dicts with snake_case keys,
the shape their JSON columns store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class Unset:
    """The type of UNSET: falsy, and equal only to itself."""

    _instance: Unset | None = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = Unset()


def given(value: Any) -> bool:
    return value is not UNSET and value is not None


@dataclass(kw_only=True)
class NewOrganization:
    slug: str
    name: str
    description: str | None = None
    url: str | None = None


@dataclass(kw_only=True)
class ModelFields:
    """Model fields; on update, UNSET fields are left unchanged."""

    name: str | None = UNSET
    description: str | None = UNSET
    license: str | None = UNSET  # license slug
    family: str | None = UNSET  # family slug
    base_model: str | None = UNSET  # "org/slug"
    open_weight: bool | None = UNSET
    model_type: str | None = UNSET
    modalities: list[str] | None = UNSET
    task: str | None = UNSET
    framework: str | None = UNSET
    context_window: int | None = UNSET
    param_count: int | None = UNSET
    release_date: date | None = UNSET
    source: str | None = UNSET
    url: str | None = UNSET
    sources: dict[str, Any] | None = UNSET  # api_ref, paper, weights, repo
    is_public: bool | None = UNSET
    author: str | None = UNSET
    permalink: str | None = UNSET
    features: list[str] | None = UNSET
    tags: list[dict[str, Any]] | None = UNSET  # identifier, name, data_type, is_categorical
    images: list[str] | None = UNSET
    is_active: bool | None = UNSET
    is_recommended: bool | None = UNSET
    is_commercial: bool | None = UNSET
    is_expired: bool | None = UNSET


@dataclass(kw_only=True)
class NewModel(ModelFields):
    organization: str  # organization slug
    slug: str


@dataclass(kw_only=True)
class ModelChange:
    org: str
    name: str
    fields: ModelFields


@dataclass(kw_only=True)
class VersionMetadata:
    """What can change after publishing; UNSET fields are left alone."""

    tags: list[str] | None = UNSET
    dataset_refs: list[str] | None = UNSET
    metrics: Any = UNSET  # metric name -> finite number (checked)
    statistics: list[dict[str, Any]] | None = UNSET
    origin: Any = UNSET
    requirement: dict[str, Any] | None = UNSET
    timeout: dict[str, Any] | None = UNSET
    container_image: dict[str, Any] | None = UNSET
    inputs: list[dict[str, Any]] | None = UNSET
    outputs: list[dict[str, Any]] | None = UNSET
    processing: dict[str, Any] | None = UNSET
    input_validation_schema: str | None = UNSET
    sample_input: str | None = UNSET
    sample_output: str | None = UNSET
    long_description: str | None = UNSET
    technical_details: str | None = UNSET
    version_history: str | None = UNSET
    performance_summary: str | None = UNSET
    source_type: str | None = UNSET
    is_available: bool | None = UNSET
    is_public: bool | None = UNSET


@dataclass(kw_only=True)
class NewVersion(VersionMetadata):
    org: str
    name: str  # the model's slug
    version: str
    files: list[dict[str, Any]] = field(default_factory=list)  # path, oid, size_bytes
    artifact_id: str | None = None
    framework: str | None = None
    architecture: str | None = None
    task: str | None = None
    base_model: str | None = None  # "org/slug" or "org/slug@version"
    status: str = "ACTIVE"
    aliases: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class VersionRef:
    org: str
    name: str
    version: str


@dataclass(kw_only=True)
class VersionChange(VersionRef):
    metadata: VersionMetadata


@dataclass(kw_only=True)
class StatusChange(VersionRef):
    status: str


@dataclass(kw_only=True)
class AliasChange:
    org: str
    name: str
    alias: str
    version: str


@dataclass(kw_only=True)
class AliasRef:
    org: str
    name: str
    alias: str


@dataclass(kw_only=True)
class BenchmarkSpec:
    slug: str
    name: str
    category: str | None = None
    max_score: float | None = None
    higher_is_better: bool = True
    description: str | None = None
    url: str | None = None


@dataclass(kw_only=True)
class ScoreSpec:
    org: str
    name: str
    benchmark: str
    score: float
    max_score: float | None = None
    version: str | None = None
    kind: str = "SELF_REPORTED"
    scored_at: datetime | None = None
    source: str | None = None
    source_url: str | None = None
    uncertainty: float | None = None


@dataclass(kw_only=True)
class ProviderSpec:
    slug: str
    name: str
    url: str | None = None


@dataclass(kw_only=True)
class PriceSpec:
    provider: str  # provider slug
    org: str
    name: str
    input_price_per_m: float | None
    output_price_per_m: float | None
    status: str = "active"
    source_url: str | None = None


@dataclass(kw_only=True)
class NewWebhook:
    url: str
    events: list[str] = field(default_factory=list)  # event kinds; empty: all
    filter: Any = None  # {organization, model, alias, provider, benchmark, minRelativeChange}
    secret: str
    # Not the caller's to choose: the service's setting (CATALOG_WEBHOOKS_ALLOW_PRIVATE).
    allow_private_urls: bool = False


@dataclass(kw_only=True)
class WebhookChange:
    id: int
    url: str | None = UNSET
    events: list[str] | None = UNSET
    filter: Any = UNSET
    secret: str | None = UNSET
    is_active: bool | None = UNSET
    allow_private_urls: bool = False


@dataclass(kw_only=True)
class WebhookRef:
    id: int


@dataclass(kw_only=True)
class DeliveryRef:
    id: int
