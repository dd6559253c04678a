"""Enums shared by several types."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Lifecycle of a model version (seed 004).")
class VersionStatus(Enum):
    PARTIAL = "PARTIAL"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    DELETED = "DELETED"
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


@strawberry.enum(description="Who produced a benchmark score.")
class ScoreKind(Enum):
    SELF_REPORTED = "SELF_REPORTED"
    THIRD_PARTY = "THIRD_PARTY"
    VERIFIED = "VERIFIED"


@strawberry.enum
class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


@strawberry.enum(description="Orderings of `models`.")
class ModelOrderField(Enum):
    NAME = "NAME"
    RELEASE_DATE = "RELEASE_DATE"
    CREATED_AT = "CREATED_AT"
    DOWNLOADS = "DOWNLOADS"
    PARAM_COUNT = "PARAM_COUNT"
    CONTEXT_WINDOW = "CONTEXT_WINDOW"
    BENCHMARK_SCORE = "BENCHMARK_SCORE"
    PRICE = "PRICE"
