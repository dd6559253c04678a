"""Prices in USD per million tokens."""

from __future__ import annotations

# A blend of three input tokens to one output token, the usual chat workload assumption.
DEFAULT_INPUT_OUTPUT_RATIO = 3.0


def blended_price(
    input_per_m: float | None, output_per_m: float | None, ratio: float = DEFAULT_INPUT_OUTPUT_RATIO
) -> float | None:
    if input_per_m is None or output_per_m is None:
        return None
    return (input_per_m * ratio + output_per_m) / (ratio + 1.0)
