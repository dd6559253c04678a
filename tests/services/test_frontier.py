"""The Pareto frontier against a brute-force O(n²) definition."""

import itertools
import random

from app.services.frontier import Point, dominates, pareto_frontier


def brute_force(points: list[Point]) -> list[Point]:
    kept = [p for p in points if not any(dominates(q, p) for q in points if q is not p)]
    return sorted(kept, key=lambda p: p.price)


def test_frontier_equals_brute_force_on_random_points():
    rng = random.Random(20241123)
    for trial in range(300):
        n = rng.randint(0, 40)
        # Few distinct values, so equal prices, equal scores and exact duplicates all occur.
        points = [
            Point(price=float(rng.randint(0, 8)), score=float(rng.randint(0, 8)), key=i)
            for i in range(n)
        ]
        rng.shuffle(points)
        assert pareto_frontier(points) == brute_force(points), (trial, points)


def test_frontier_on_continuous_random_points():
    rng = random.Random(7)
    points = [Point(rng.uniform(0, 50), rng.uniform(0, 100), i) for i in range(500)]
    frontier = pareto_frontier(points)
    assert frontier == brute_force(points)
    assert [p.price for p in frontier] == sorted(p.price for p in frontier)
    assert all(a.score < b.score for a, b in itertools.pairwise(frontier))


def test_ties():
    cheap_good = Point(1.0, 90.0, 3)
    same_price_worse = Point(1.0, 80.0, 1)
    same_score_dearer = Point(2.0, 90.0, 2)
    duplicate = Point(1.0, 90.0, 4)
    better_dearer = Point(5.0, 95.0, 5)
    frontier = pareto_frontier(
        [better_dearer, duplicate, same_score_dearer, same_price_worse, cheap_good]
    )
    assert frontier == [cheap_good, better_dearer]


def test_empty_and_single():
    assert pareto_frontier([]) == []
    assert pareto_frontier([Point(0.0, 0.0, 1)]) == [Point(0.0, 0.0, 1)]
