"""Tables of the catalog (`*Row` classes). Rows never leave the repositories layer.

There are deliberately no ORM relationships (so nothing can lazy-load): every relation is a
foreign key that the repositories load explicitly, in batches.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, JSONType, UTCDateTime, utcnow


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OrganizationRow(TimestampMixin, Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))


class LicenseRow(Base):
    __tablename__ = "licenses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    allow_commercial: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    url: Mapped[str | None] = mapped_column(String(500))


class FamilyRow(Base):
    __tablename__ = "families"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )


class ModelRow(TimestampMixin, Base):
    __tablename__ = "models"
    __table_args__ = (UniqueConstraint("organization_id", "slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    license_id: Mapped[int | None] = mapped_column(
        ForeignKey("licenses.id", ondelete="SET NULL"), index=True
    )
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("families.id", ondelete="SET NULL"), index=True
    )
    base_model_id: Mapped[int | None] = mapped_column(
        ForeignKey("models.id", ondelete="SET NULL"), index=True
    )
    open_weight: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    model_type: Mapped[str | None] = mapped_column(String(100), index=True)
    task: Mapped[str | None] = mapped_column(String(100), index=True)
    framework: Mapped[str | None] = mapped_column(String(100), index=True)
    context_window: Mapped[int | None] = mapped_column(BigInteger, index=True)
    param_count: Mapped[int | None] = mapped_column(BigInteger, index=True)
    release_date: Mapped[date | None] = mapped_column(Date, index=True)
    source: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    source_api_ref: Mapped[str | None] = mapped_column(String(500))
    source_paper: Mapped[str | None] = mapped_column(String(500))
    source_weights: Mapped[str | None] = mapped_column(String(500))
    source_repo: Mapped[str | None] = mapped_column(String(500))
    is_public: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    download_count: Mapped[int] = mapped_column(BigInteger, default=0, index=True)
    # Read copies of model_modalities / model_tags (those tables serve the filters).
    modalities: Mapped[list[str]] = mapped_column(JSONType, default=list)
    tags: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    # Marketplace metadata (seed 004).
    author: Mapped[str | None] = mapped_column(String(200))
    permalink: Mapped[str | None] = mapped_column(String(500))
    features: Mapped[list[str]] = mapped_column(JSONType, default=list)
    images: Mapped[list[str]] = mapped_column(JSONType, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_recommended: Mapped[bool] = mapped_column(Boolean, default=False)
    is_commercial: Mapped[bool] = mapped_column(Boolean, default=False)
    is_expired: Mapped[bool] = mapped_column(Boolean, default=False)


class ModelExternalIdRow(Base):
    """One source's id for a canonical model (`llm-stats:gpt-4o`, `litellm:azure/gpt-4o`...).

    `normalized` is identity.normalize_id(external_id), indexed for tier-2 matching."""

    __tablename__ = "model_external_ids"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(50))
    external_id: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModelModalityRow(Base):
    __tablename__ = "model_modalities"

    model_id: Mapped[int] = mapped_column(
        ForeignKey("models.id", ondelete="CASCADE"), primary_key=True
    )
    modality: Mapped[str] = mapped_column(String(50), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ModelTagRow(Base):
    __tablename__ = "model_tags"

    model_id: Mapped[int] = mapped_column(
        ForeignKey("models.id", ondelete="CASCADE"), primary_key=True
    )
    identifier: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    data_type: Mapped[str | None] = mapped_column(String(50))
    is_categorical: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ModelVersionRow(TimestampMixin, Base):
    __tablename__ = "model_versions"
    __table_args__ = (
        UniqueConstraint("model_id", "version"),
        # Newest-first listing and latest-version lookups walk this index.
        Index("ix_model_versions_model_semver", "model_id", "semver_key"),
        # The few private versions, for the hidden-version lookups of scores (migration 0004).
        Index(
            "ix_model_versions_private",
            "id",
            postgresql_where=text("is_public IS NOT TRUE"),
            sqlite_where=text("is_public IS NOT 1"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(100))
    # Byte string whose order is semver 2.0.0 precedence (see services/semver.py).
    semver_key: Mapped[bytes] = mapped_column(LargeBinary)
    is_prerelease: Mapped[bool] = mapped_column(Boolean, default=False)
    artifact_id: Mapped[str] = mapped_column(String(36), unique=True)
    framework: Mapped[str | None] = mapped_column(String(100))
    architecture: Mapped[str | None] = mapped_column(String(200))
    task: Mapped[str | None] = mapped_column(String(100))
    base_model: Mapped[str | None] = mapped_column(String(300))
    base_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL"), index=True
    )
    dataset_refs: Mapped[list[str]] = mapped_column(JSONType, default=list)
    tags: Mapped[list[str]] = mapped_column(JSONType, default=list)
    is_public: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(20), default="ACTIVE", index=True)
    download_count: Mapped[int] = mapped_column(BigInteger, default=0)
    file_size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    origin: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Marketplace metadata (seed 004).
    requirement: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    timeout: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    container_image: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    inputs: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    outputs: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    processing: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    input_validation_schema: Mapped[str | None] = mapped_column(Text)
    sample_input: Mapped[str | None] = mapped_column(Text)
    sample_output: Mapped[str | None] = mapped_column(Text)
    long_description: Mapped[str | None] = mapped_column(Text)
    technical_details: Mapped[str | None] = mapped_column(Text)
    version_history: Mapped[str | None] = mapped_column(Text)
    performance_summary: Mapped[str | None] = mapped_column(Text)
    source_type: Mapped[str | None] = mapped_column(String(100))
    is_available: Mapped[bool] = mapped_column(Boolean, default=True)


class VersionFileRow(Base):
    __tablename__ = "version_files"
    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(500))
    oid: Mapped[str] = mapped_column(String(71))
    size_bytes: Mapped[int] = mapped_column(BigInteger)


class VersionAliasRow(TimestampMixin, Base):
    __tablename__ = "version_aliases"
    __table_args__ = (UniqueConstraint("model_id", "alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(50))
    version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )


class VersionMetricRow(Base):
    __tablename__ = "version_metrics"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class VersionStatisticRow(Base):
    __tablename__ = "version_statistics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(100))
    type: Mapped[str | None] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)
    highlight: Mapped[bool] = mapped_column(Boolean, default=False)
    order: Mapped[int] = mapped_column(Integer, default=0)
    value: Mapped[float | None] = mapped_column(Float)


class BenchmarkRow(Base):
    __tablename__ = "benchmarks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    max_score: Mapped[float | None] = mapped_column(Float)
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))


class BenchmarkScoreRow(Base):
    __tablename__ = "benchmark_scores"
    __table_args__ = (
        Index("ix_benchmark_scores_model_benchmark", "model_id", "benchmark_id"),
        Index("ix_benchmark_scores_benchmark_normalized", "benchmark_id", "normalized_score"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    benchmark_id: Mapped[int] = mapped_column(ForeignKey("benchmarks.id", ondelete="CASCADE"))
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float | None] = mapped_column(Float)
    # 0-100, null where the scale has no maximum (Elo ratings, indices).
    normalized_score: Mapped[float | None] = mapped_column(Float)
    is_self_reported: Mapped[bool] = mapped_column(Boolean, default=True)
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    kind: Mapped[str] = mapped_column(String(20), default="SELF_REPORTED", index=True)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str | None] = mapped_column(String(100), index=True)
    source_url: Mapped[str | None] = mapped_column(String(500))
    uncertainty: Mapped[float | None] = mapped_column(Float)
    # Separates rows one source gives for the same (model, benchmark): an analysis method or a
    # reasoning effort. (model, benchmark, source, variant) identifies an imported score.
    variant: Mapped[str] = mapped_column(String(200), default="", server_default="")


class BestScoreRow(Base):
    """A model's best score on a benchmark, what ranks it there (migration 0004 documents the
    rows). Written only by database triggers on benchmark_scores, benchmarks and
    model_versions; the service only reads it."""

    __tablename__ = "best_scores"
    __table_args__ = (
        Index(
            "ix_best_scores_board",
            "benchmark_id",
            "grain",
            "source",
            "kind",
            text("value DESC"),
            "model_id",
            "audience",
            "model_public",
            "organization_id",
        ),
    )

    model_id: Mapped[int] = mapped_column(
        ForeignKey("models.id", ondelete="CASCADE"), primary_key=True
    )
    benchmark_id: Mapped[int] = mapped_column(
        ForeignKey("benchmarks.id", ondelete="CASCADE"), primary_key=True
    )
    # 0: all scores, 1: by source, 2: by kind, 3: by source and kind.
    grain: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    # 'public': among scores of no version or a public one; 'owner': among all, where it differs.
    audience: Mapped[str] = mapped_column(String(10), primary_key=True)
    score_id: Mapped[int] = mapped_column(
        ForeignKey("benchmark_scores.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[float] = mapped_column(Float)
    # The model's visibility and organization (copied by a trigger on models).
    model_public: Mapped[bool] = mapped_column(Boolean)
    organization_id: Mapped[int] = mapped_column(Integer)


class ProviderRow(TimestampMixin, Base):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    url: Mapped[str | None] = mapped_column(String(500))


class ProviderPricingRow(Base):
    """A price that held from `valid_from` until `valid_to` (open-ended while current)."""

    __tablename__ = "provider_pricing"
    __table_args__ = (
        Index("ix_provider_pricing_model_provider", "model_id", "provider_id", "valid_to"),
        Index("ix_provider_pricing_provider_model", "provider_id", "model_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(30), default="active")
    input_price_per_m: Mapped[float | None] = mapped_column(Float, index=True)
    output_price_per_m: Mapped[float | None] = mapped_column(Float, index=True)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source: Mapped[str | None] = mapped_column(String(100))
    source_url: Mapped[str | None] = mapped_column(String(500))


class ApiTokenRow(Base):
    """A bearer token. Only a SHA-256 of the secret is stored (the secret is 32 random bytes,
    so a fast hash is enough); `prefix` identifies it in listings without revealing it."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10))
    name: Mapped[str | None] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(20))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLogRow(Base):
    """Who (token) did what (action on a target, with details) and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_organization_id_id", "organization_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE")
    )
    token_id: Mapped[int | None] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(50), index=True)
    target_type: Mapped[str] = mapped_column(String(50))
    target_id: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AliasHistoryRow(Base):
    """Every move of an alias: from one version to another (None: created or removed)."""

    __tablename__ = "alias_history"
    __table_args__ = (Index("ix_alias_history_model_alias", "model_id", "alias", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(50))
    from_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL")
    )
    to_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id", ondelete="SET NULL")
    )
    token_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKeyRow(Base):
    """A mutation request sent with an `Idempotency-Key` (app/http/idempotency.py): the row is
    inserted first in the request's write transaction, so it exists exactly when the write
    does; the response is kept with it for 24 hours and replayed to a retry."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    media_type: Mapped[str | None] = mapped_column(String(100))
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


# The live catalog's tables (outbox, webhooks) live in their own module; registered here.
from app.db import event_tables as event_tables  # noqa: E402
