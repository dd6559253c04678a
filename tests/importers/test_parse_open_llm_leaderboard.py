"""The Open LLM Leaderboard parser against the final v2 table (figures from the raw CSV)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.importers.records import UnreadableSource
from app.importers.sources import open_llm_leaderboard as oll
from tests.importers.support import datasets_dir

TASKS = ("ifeval", "bbh", "math", "gpqa", "musr", "mmlu_pro")


def _csv() -> Path:
    return datasets_dir() / "open-llm-leaderboard" / "csv" / "huggingface_v2.csv"


def _raw() -> list[dict[str, str]]:
    with _csv().open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_counts_and_values() -> None:
    raw = _raw()
    parsed = oll.parse(_csv().parent)
    owner_less = [r for r in raw if "/" not in r["model_name"]]
    assert len(raw) == 4576
    assert len(parsed.scores) == 6 * len(raw)
    assert len(parsed.models) == len({r["model_name"] for r in raw})
    assert parsed.problems == []
    # the two legacy root-level rows (gpt2, two precisions): kept, maker guessed from the name
    assert {r["model_name"] for r in owner_less} == {"gpt2"} and len(owner_less) == 2
    gpt2 = next(m for m in parsed.models if m.ref.external_id == "gpt2")
    assert gpt2.organization_slug == "openai" and gpt2.ref.hf_repo is None
    assert {b.slug for b in parsed.benchmarks} == {
        "open-llm-leaderboard-ifeval",
        "open-llm-leaderboard-bbh",
        "open-llm-leaderboard-math-lvl-5",
        "open-llm-leaderboard-gpqa",
        "open-llm-leaderboard-musr",
        "open-llm-leaderboard-mmlu-pro",
    }
    row = raw[0]
    scores = [s for s in parsed.scores if s.location.endswith(":2")]
    assert len(scores) == 6
    for task, record in zip(TASKS, scores, strict=True):
        value = float(row[f"evaluations_{task}_value"])
        assert record.score == value
        assert record.normalized_score == pytest.approx(
            value * 100
        )  # not the baseline-subtracted one
        assert record.variant == row["model_precision"]
        assert record.model.hf_repo == row["model_name"]
        assert record.kind == "THIRD_PARTY"
    gpqa = scores[3]
    assert gpqa.normalized_score != pytest.approx(float(row["evaluations_gpqa_normalized_score"]))
    model = next(m for m in parsed.models if m.ref.external_id == row["model_name"])
    assert model.organization_slug == row["model_name"].split("/")[0].lower()
    assert model.open_weight is True
    assert model.param_count == round(float(row["metadata_params_billions"]) * 1e9)


def test_several_precisions_of_one_repo_are_variants() -> None:
    raw = _raw()
    parsed = oll.parse(_csv())
    repo = next(r["model_name"] for r in raw if r["model_precision"] == "float16")
    precisions = {r["model_precision"] for r in raw if r["model_name"] == repo}
    variants = {s.variant for s in parsed.scores if s.model.external_id == repo}
    assert variants == precisions


def test_truncated_file_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "huggingface_v2.csv"
    header = "model_name,model_precision," + ",".join(f"evaluations_{t}_value" for t in TASKS)
    path.write_text(header + '\n"a/b,bfloat16,0.1', encoding="utf-8")
    with pytest.raises(UnreadableSource):
        oll.parse(path)


def test_missing_columns_are_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "huggingface_v2.csv"
    path.write_text("model_name,score\na/b,1\n", encoding="utf-8")
    with pytest.raises(UnreadableSource, match="model_precision"):
        oll.parse(path)


def test_bad_cells_are_problems_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "huggingface_v2.csv"
    header = "model_name,model_precision," + ",".join(f"evaluations_{t}_value" for t in TASKS)
    path.write_text(
        header + "\n"
        "a/ok,bfloat16,0.1,0.2,0.3,0.4,0.5,0.6\n"
        "a/bad,bfloat16,0.1,zero,0.3,0.4,0.5,0.6\n"
        "a/big,bfloat16,0.1,0.2,0.3,42,0.5,0.6\n",
        encoding="utf-8",
    )
    parsed = oll.parse(path)
    assert [(p.location, p.reason) for p in parsed.problems] == [
        (f"{path}:3", "evaluations_bbh_value 'zero' is not a number"),
        (f"{path}:4", "evaluations_gpqa_value 42 is not a fraction between 0 and 1"),
    ]
    assert [m.ref.external_id for m in parsed.models] == ["a/ok"]
