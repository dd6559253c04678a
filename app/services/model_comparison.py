"""Several models side by side on benchmarks: one row per benchmark, values aligned."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ComparedRow:
    benchmark: str
    values: list[float | None]
    deltas: list[float | None]


def deltas(values: Sequence[float | None]) -> list[float | None]:
    """Each value minus the first one; None where either is missing (the first is 0.0)."""
    if not values or values[0] is None:
        return [None] * len(values)
    base = values[0]
    return [None if v is None else round(v - base, 9) for v in values]


def align(
    models: Sequence[int],
    benchmarks: Sequence[str],
    values: Mapping[tuple[int, str], float],
) -> list[ComparedRow]:
    """One row per benchmark (in the order given), values aligned with `models`."""
    rows = []
    for benchmark in benchmarks:
        aligned = [values.get((model, benchmark)) for model in models]
        rows.append(ComparedRow(benchmark, aligned, deltas(aligned)))
    return rows


def scored_benchmarks(values: Mapping[tuple[int, str], float]) -> list[str]:
    """The sorted union of the benchmarks any compared model has a score on."""
    return sorted({benchmark for _, benchmark in values})
