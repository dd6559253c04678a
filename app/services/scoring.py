"""Score normalization (ranking itself happens in SQL with RANK())."""

from __future__ import annotations

import math


def normalize(score: float, max_score: float | None) -> float | None:
    """A score on a 0-100 scale, or None where the scale has no maximum (Elo, indices)."""
    if max_score is None or max_score <= 0 or not math.isfinite(score):
        return None
    return round(score / max_score * 100.0, 6)
