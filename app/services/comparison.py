"""Side-by-side comparison of versions' metrics (seed 000)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MetricRow:
    key: str
    values: list[float | None]


def metric_keys(metrics: Sequence[Mapping[str, float]]) -> list[str]:
    """The sorted union of the metric keys of every compared version."""
    return sorted({key for version_metrics in metrics for key in version_metrics})


def align_metrics(metrics: Sequence[Mapping[str, float]]) -> list[MetricRow]:
    """One row per key; values aligned with the versions, None where a version lacks the key."""
    return [MetricRow(key, [m.get(key) for m in metrics]) for key in metric_keys(metrics)]
