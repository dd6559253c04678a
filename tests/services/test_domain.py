"""services/comparison.py, scoring.py and aliases.py."""

import math

import pytest

from app.services import aliases, comparison, scoring


def test_metric_keys_is_the_sorted_union():
    assert comparison.metric_keys([{"b": 1.0}, {}, {"a": 2.0, "b": 3.0}]) == ["a", "b"]
    assert comparison.metric_keys([]) == []


def test_align_metrics_fills_missing_values_with_none():
    rows = comparison.align_metrics([{"mmlu": 70.0}, {"mmlu": 72.5, "gsm8k": 80.0}, {}])
    assert [(r.key, r.values) for r in rows] == [
        ("gsm8k", [None, 80.0, None]),
        ("mmlu", [70.0, 72.5, None]),
    ]


@pytest.mark.parametrize(
    ("score", "max_score", "expected"),
    [
        (86.4, 100.0, 86.4),
        (0.5, 1.0, 50.0),
        (7.5, 10.0, 75.0),
        (1287.0, None, None),  # Elo: unbounded
        (3.0, 0.0, None),
        (3.0, -1.0, None),
        (math.nan, 100.0, None),
        (math.inf, 100.0, None),
    ],
)
def test_normalize(score, max_score, expected):
    assert scoring.normalize(score, max_score) == expected


@pytest.mark.parametrize("name", ["latest", "production", "staging", "v2", "canary-1", "a.b_c"])
def test_valid_aliases(name):
    assert aliases.is_valid_alias(name)


@pytest.mark.parametrize(
    "name", ["", "Latest", "-x", ".x", "has space", "1.2.3", "1.0.0-rc.1", "a" * 51, "latest\n"]
)
def test_invalid_aliases(name):
    assert not aliases.is_valid_alias(name)
