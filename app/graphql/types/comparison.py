"""Side-by-side comparison of versions (seed 000)."""

from __future__ import annotations

import strawberry

from app.graphql.types.version import ModelVersion


@strawberry.type(description="One metric across the compared versions.")
class MetricComparison:
    key: str = strawberry.field(description="The metric's key, e.g. `accuracy`.")
    values: list[float | None] = strawberry.field(
        description="Aligned with `versions`; null where a version lacks the metric."
    )


@strawberry.type(description="Several versions of one model side by side.")
class VersionComparison:
    name: str = strawberry.field(description="Canonical model name, `org/slug`.")
    metric_keys: list[str] = strawberry.field(description="Sorted union of the metric keys.")
    versions: list[ModelVersion] = strawberry.field(description="In the order asked.")
    metrics: list[MetricComparison] = strawberry.field(
        description="One row per metric key, values aligned with `versions`."
    )
