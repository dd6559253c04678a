"""The LMArena parser against the real 2025-08-04 leaderboards (figures computed from the raw
CSV here)."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.importers.records import UnreadableSource
from app.importers.sources import lmarena
from tests.importers.support import datasets_dir


def _raw(name: str) -> list[dict[str, str]]:
    with (datasets_dir() / "lmarena" / "csv" / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_all_three_boards() -> None:
    parsed = lmarena.parse(datasets_dir() / "lmarena" / "csv")
    counts = {"lmarena-text": 0, "lmarena-vision": 0, "lmarena-image": 0}
    for score in parsed.scores:
        counts[score.benchmark_slug] += 1
    text = _raw("lmarena_text.csv")
    # one row repeats another in every cell but its rank (its position in the file)
    distinct_text = {tuple(v for k, v in r.items() if k != "rank") for r in text}
    assert len(text) == 266 and len(distinct_text) == 265
    assert counts == {
        "lmarena-text": len(distinct_text),
        "lmarena-vision": len(_raw("lmarena_vision.csv")),
        "lmarena-image": len(_raw("lmarena_image.csv")),
    }
    assert parsed.problems == []
    assert len(parsed.notes) == 1 and "duplicate of line" in parsed.notes[0]
    assert {b.slug: b.max_score for b in parsed.benchmarks} == dict.fromkeys(counts)


def test_scores_are_elo_with_half_width_uncertainty() -> None:
    # The files carry no date: --observed-at dates the scores (the leaderboard's version).
    vision = datasets_dir() / "lmarena" / "csv" / "lmarena_vision.csv"
    assert all(record.scored_at is None for record in lmarena.parse(vision).scores)
    parsed = lmarena.parse(vision, date(2025, 8, 4))
    assert parsed.as_of == datetime(2025, 8, 4, tzinfo=UTC)
    raw = _raw("lmarena_vision.csv")
    assert len(parsed.scores) == len(raw) == 86
    for record, row in zip(parsed.scores, raw, strict=True):
        assert record.model.source == "lmarena"
        assert record.model.external_id == row["model"]
        assert record.model.organization == (row["organization"] or None)
        assert record.score == float(row["arena_score"])
        assert record.normalized_score is None
        plus, minus = row["95_pct_ci"].lstrip("+").split("/-")
        assert record.uncertainty == (float(plus) + float(minus)) / 2
        assert record.scored_at == datetime(2025, 8, 4, tzinfo=UTC)
        assert record.kind == "THIRD_PARTY"


def test_truncated_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "lmarena_text.csv"
    path.write_text('rank,model,arena_score,95_pct_ci,organization\n1,"GPT', encoding="utf-8")
    with pytest.raises(UnreadableSource):
        lmarena.parse(path)


def test_missing_columns_are_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "lmarena_image.csv"
    path.write_text("name,score\nx,1\n", encoding="utf-8")
    with pytest.raises(UnreadableSource, match="arena_score"):
        lmarena.parse(path)


def test_bad_cells_are_problems_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "lmarena_text.csv"
    path.write_text(
        "model,arena_score,95_pct_ci,organization\n"
        "A,1400,+5/-5,Org\n"
        "B,abc,+5/-5,Org\n"
        "C,1300,wide,Org\n"
        "D,1200,+6/-4,Org\n",
        encoding="utf-8",
    )
    parsed = lmarena.parse(path)
    assert [(p.location, p.reason) for p in parsed.problems] == [
        (f"{path}:3", "arena_score 'abc' is not a number"),
        (f"{path}:4", "confidence interval 'wide' is not of the form '+a/-b'"),
    ]
    assert [(s.model.external_id, s.uncertainty) for s in parsed.scores] == [("A", 5), ("D", 5)]
