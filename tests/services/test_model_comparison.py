"""Aligning models by benchmarks."""

from app.services.model_comparison import align, deltas, scored_benchmarks


def test_align_rows_values_and_deltas():
    values = {(1, "mmlu"): 80.0, (2, "mmlu"): 85.5, (2, "gpqa"): 40.0, (3, "math"): 70.0}
    benchmarks = scored_benchmarks(values)
    assert benchmarks == ["gpqa", "math", "mmlu"]
    rows = align([1, 2, 3], benchmarks, values)
    assert [r.benchmark for r in rows] == benchmarks
    assert rows[2].values == [80.0, 85.5, None]
    assert rows[2].deltas == [0.0, 5.5, None]
    # The first model lacks gpqa: no deltas on that row.
    assert rows[0].values == [None, 40.0, None]
    assert rows[0].deltas == [None, None, None]


def test_deltas_edge_cases():
    assert deltas([]) == []
    assert deltas([1.0]) == [0.0]
    assert deltas([0.1, 0.3]) == [0.0, 0.2]
