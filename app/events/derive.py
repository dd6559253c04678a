"""Derived facts of events, pure: relative price changes, rank-1 changes."""

from __future__ import annotations

from typing import Any

PRICE_FIELDS = ("input_price_per_m", "output_price_per_m", "status")


def price_view(values: Any) -> dict[str, Any]:
    """A price as events show it (camelCase), from a row or a dict of column values."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    return {
        "inputPricePerM": get("input_price_per_m"),
        "outputPricePerM": get("output_price_per_m"),
        "status": get("status"),
    }


def relative_change(old: dict[str, Any], new: dict[str, Any]) -> float | None:
    """The largest relative move of the input or output price (0.1 = 10 %); 0.0 when neither
    moved (a status change); None when a price appeared or moved from 0 (unbounded)."""
    moves: list[float] = []
    for key in ("inputPricePerM", "outputPricePerM"):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None or after is None or before <= 0:
            return None
        moves.append(abs(after - before) / before)
    return max(moves, default=0.0)


def price_changed_data(provider: str, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {
        "provider": provider,
        "old": old,
        "new": new,
        "relativeChange": relative_change(old, new),
    }


def new_leaders(before: frozenset[int] | None, after: frozenset[int] | None) -> frozenset[int]:
    """The models that reached rank 1 (not there before)."""
    if not after:
        return frozenset()
    return after - (before or frozenset())
