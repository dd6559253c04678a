"""The Pareto frontier of score (higher is better) against price (lower is better)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    """One candidate: `key` identifies it and breaks exact ties (smaller key wins)."""

    price: float
    score: float
    key: int


def _order(point: Point) -> tuple[float, float, int]:
    return (point.price, -point.score, point.key)


def dominates(a: Point, b: Point) -> bool:
    """`a` is at least as cheap and at least as good as `b`, and strictly better in one way;
    between two identical (price, score) points the smaller key dominates."""
    if a.price > b.price or a.score < b.score:
        return False
    if a.price < b.price or a.score > b.score:
        return True
    return a.key < b.key


def pareto_frontier(points: Iterable[Point]) -> list[Point]:
    """Points no other point dominates, cheapest first (so scores strictly increase).

    Equal price keeps the higher score; equal score keeps the cheaper; an exact tie keeps the
    smaller key. O(n log n): sort by price, then keep each point that beats every cheaper one.
    """
    frontier: list[Point] = []
    for point in sorted(points, key=_order):
        if not frontier or point.score > frontier[-1].score:
            frontier.append(point)
    return frontier
