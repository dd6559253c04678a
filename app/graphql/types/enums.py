"""Enums shared by several types."""

from __future__ import annotations

from enum import Enum
from typing import TypeVar

import strawberry

S = TypeVar("S", bound=str)


def described(value: S, description: str) -> S:
    """An enum value with a description for the schema's readers. Typed as the value itself:
    Strawberry turns the definition back into `value` when it builds the enum."""
    definition = strawberry.enum_value(value, description=description)
    return definition  # type: ignore[return-value]


@strawberry.enum(description="Lifecycle of a model version (seed 004).")
class VersionStatus(Enum):
    PARTIAL = described("PARTIAL", description="Being published: not yet usable.")
    CANCELED = described("CANCELED", description="Publishing was abandoned (final).")
    REJECTED = described("REJECTED", description="Refused by review (final).")
    DELETED = described("DELETED", description="Deleted: gone for readers (final).")
    ACTIVE = described("ACTIVE", description="Published and usable.")
    INACTIVE = described("INACTIVE", description="Withdrawn for now; can become ACTIVE again.")


@strawberry.enum(description="Who produced a benchmark score.")
class ScoreKind(Enum):
    SELF_REPORTED = described("SELF_REPORTED", description="Reported by the model's makers.")
    THIRD_PARTY = described(
        "THIRD_PARTY", description="Measured by someone else (a leaderboard, a paper)."
    )
    VERIFIED = described(
        "VERIFIED", description="Reported by the makers and verified independently."
    )


@strawberry.enum(description="Sort direction.")
class OrderDirection(Enum):
    ASC = described("ASC", description="Ascending: smallest (or A) first.")
    DESC = described("DESC", description="Descending: largest (or Z) first.")


@strawberry.enum(description="Orderings of `models`.")
class ModelOrderField(Enum):
    NAME = described("NAME", description="By display name.")
    RELEASE_DATE = described(
        "RELEASE_DATE", description="By release date; models without one come last."
    )
    CREATED_AT = described(
        "CREATED_AT", description="By when the catalog first recorded the model."
    )
    DOWNLOADS = described("DOWNLOADS", description="By downloads of all versions.")
    PARAM_COUNT = described(
        "PARAM_COUNT", description="By parameter count; models without one come last."
    )
    CONTEXT_WINDOW = described(
        "CONTEXT_WINDOW", description="By context window; models without one come last."
    )
    BENCHMARK_SCORE = described(
        "BENCHMARK_SCORE",
        description="By the best score on `ModelOrder.benchmark`; unscored models come last.",
    )
    PRICE = described(
        "PRICE", description="By the cheapest current blended price; unpriced models come last."
    )
