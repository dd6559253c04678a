"""What a workload costs at a provider's prices (USD per million tokens), and the cheapest."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from app.services.pricing import blended_price

TOKENS_PER_UNIT = 1_000_000


@dataclass(frozen=True)
class Offer:
    """A provider's price for a model; `key` breaks ties (smaller first)."""

    input_per_m: float | None
    output_per_m: float | None
    key: str


@dataclass(frozen=True)
class Cost:
    input_cost: float | None
    output_cost: float | None
    total_cost: float | None


def token_cost(tokens: int, price_per_m: float | None) -> float | None:
    """Cost of `tokens` at `price_per_m`; no tokens cost nothing even where the price is unknown."""
    if tokens == 0:
        return 0.0
    if price_per_m is None:
        return None
    return tokens * price_per_m / TOKENS_PER_UNIT


def estimate(input_tokens: int, output_tokens: int, offer: Offer) -> Cost:
    input_cost = token_cost(input_tokens, offer.input_per_m)
    output_cost = token_cost(output_tokens, offer.output_per_m)
    total = None if input_cost is None or output_cost is None else input_cost + output_cost
    return Cost(input_cost, output_cost, total)


def rank_by_cost(input_tokens: int, output_tokens: int, offers: Sequence[Offer]) -> list[int]:
    """Indexes of `offers`, cheapest total first; unknown totals last; ties by key."""

    def order(index: int) -> tuple[bool, float, str]:
        total = estimate(input_tokens, output_tokens, offers[index]).total_cost
        return (total is None, total if total is not None else 0.0, offers[index].key)

    return sorted(range(len(offers)), key=order)


def cheapest(offers: Sequence[Offer], ratio: float) -> int | None:
    """Index of the offer with the lowest blended price (`ratio` input tokens per output
    token), ties by key; None where no offer has both prices."""
    best: tuple[float, str, int] | None = None
    for index, offer in enumerate(offers):
        price = blended_price(offer.input_per_m, offer.output_per_m, ratio)
        if price is None:
            continue
        candidate = (price, offer.key, index)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best is not None else None


def valid_ratio(ratio: float) -> bool:
    return math.isfinite(ratio) and ratio > 0
