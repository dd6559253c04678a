"""The Epoch parser against the real export; expected figures are computed here from the raw
CSV files with the csv module, not with the parser's helpers."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.importers.records import ParsedSource, ScoreRecord, UnreadableSource
from app.importers.sources import epoch
from tests.importers.support import datasets_dir


def _bench_dir() -> Path:
    return datasets_dir() / "epoch-benchmarks" / "benchmark_data"


def _notable_csv() -> Path:
    return datasets_dir() / "epoch-notable-models/data/external/epoch-ai/notable-ai-models.csv"


def _raw(name: str) -> list[dict[str, str]]:
    with (_bench_dir() / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _scores(parsed: ParsedSource, slug: str) -> list[ScoreRecord]:
    return [s for s in parsed.scores if s.benchmark_slug == slug]


@pytest.fixture(scope="module")
def hub() -> ParsedSource:
    return epoch.parse(_bench_dir())


def test_every_row_is_a_score_a_note_or_a_problem(hub: ParsedSource) -> None:
    files = sorted(_bench_dir().glob("*.csv"))
    total_rows = sum(len(_raw(f.name)) for f in files)
    assert len(files) == 48 and total_rows == 3955
    left_out = 0
    for note in hub.notes:
        found = re.search(r": (\d+) rows", note)
        assert found is not None, note
        left_out += int(found.group(1))
    assert len(hub.scores) + left_out + len(hub.problems) == total_rows
    assert hub.problems == []
    assert len(hub.benchmarks) == 48
    keys = Counter((s.model.external_id, s.benchmark_slug, s.variant) for s in hub.scores)
    assert max(keys.values()) == 1  # (model, benchmark, variant) identifies every score


def test_epoch_run_file_fraction_stderr_and_run_metadata(hub: ParsedSource) -> None:
    raw = _raw("gpqa_diamond.csv")
    scores = _scores(hub, "gpqa")
    assert len(scores) == len(raw) == 152
    first = raw[0]
    record = next(s for s in scores if s.location.endswith("gpqa_diamond.csv:2"))
    assert record.model.source == "epoch"
    assert record.model.external_id == first["Model version"] == "claude-sonnet-4-6_32K"
    assert record.variant == "32K"  # the thinking budget, so the model resolves to the base id
    assert record.score == float(first["mean_score"])
    assert record.normalized_score == pytest.approx(float(first["mean_score"]) * 100)
    assert record.uncertainty == pytest.approx(float(first["stderr"]) * 100)
    assert record.scored_at == datetime.fromisoformat(first["Started at"].replace("Z", "+00:00"))
    assert record.source_url == first["Log viewer"]
    assert record.kind == "THIRD_PARTY"
    assert record.max_score is None
    gpqa = next(b for b in hub.benchmarks if b.slug == "gpqa")
    assert gpqa.max_score == 1.0


def test_shared_slugs_are_llm_stats_benchmark_ids(hub: ParsedSource) -> None:
    llm_stats = datasets_dir() / "llm-stats" / "data" / "benchmarks"
    slugs = {b.slug for b in hub.benchmarks}
    expected_shared = {
        "gpqa", "swe-bench-verified", "frontiermath", "mmlu", "gsm8k", "hellaswag", "winogrande",
        "bbh", "boolq", "piqa", "openbookqa", "scienceqa", "superglue", "triviaqa", "hle",
        "arc-agi", "arc-agi-v2", "arc-c", "aider-polyglot", "osworld", "livebench", "video-mme",
    }  # fmt: skip
    assert expected_shared <= slugs
    for slug in expected_shared:
        assert (llm_stats / f"{slug}.json").is_file(), slug
        benchmark = next(b for b in hub.benchmarks if b.slug == slug)
        assert benchmark.max_score == 1.0  # llm-stats' scale for these benchmarks
    own = slugs - expected_shared
    assert not any((llm_stats / f"{slug}.json").is_file() for slug in own)


def test_percent_scale_kept_with_its_own_max(hub: ParsedSource) -> None:
    raw = [r for r in _raw("aider_polyglot_external.csv") if r["Model version"].strip()]
    scores = _scores(hub, "aider-polyglot")
    assert len(scores) == len(raw)
    by_line = {s.location.rsplit(":", 1)[1]: s for s in scores}
    sample = by_line["2"]
    value = float(_raw("aider_polyglot_external.csv")[0]["Percent correct"])
    assert sample.score == value and sample.normalized_score == value and sample.max_score == 100


def test_zero_to_ten_scale_times_ten(hub: ParsedSource) -> None:
    raw = _raw("lech_mazur_writing_external.csv")
    scores = _scores(hub, "lech-mazur-writing")
    assert len(scores) == len(raw)
    for record, row in zip(scores, raw, strict=True):
        assert record.score == float(row["Mean score"])
        assert record.normalized_score == pytest.approx(float(row["Mean score"]) * 10)
    assert next(b for b in hub.benchmarks if b.slug == "lech-mazur-writing").max_score == 10


def test_unbounded_scales_have_no_normalized_score(hub: ParsedSource) -> None:
    arena = _raw("webdev_arena_external.csv")
    scores = _scores(hub, "webdev-arena")
    assert len(scores) == sum(1 for r in arena if r["Model version"].strip())
    first = scores[0]
    row = arena[0]
    assert first.score == float(row["Arena Score"]) and first.normalized_score is None
    plus, minus = re.findall(r"\d+", row["Score 95% CI"])
    assert first.uncertainty == (float(plus) + float(minus)) / 2
    metr = _raw("metr_time_horizons_external.csv")
    minutes = _scores(hub, "metr-time-horizon")
    assert len(minutes) == len(metr)
    assert all(s.normalized_score is None for s in minutes)
    assert minutes[0].score == float(metr[0]["Time horizon"])
    eci = _raw("epoch_capabilities_index.csv")
    index = _scores(hub, "epoch-capabilities-index")
    assert len(index) == sum(1 for r in eci if r["ECI Score"].strip()) == 283
    assert all(s.normalized_score is None for s in index)
    assert "epoch_capabilities_index.csv: 260 rows with an empty 'ECI Score' left out" in hub.notes
    for slug in ("webdev-arena", "metr-time-horizon", "epoch-capabilities-index", "geobench"):
        assert next(b for b in hub.benchmarks if b.slug == slug).max_score is None


def test_effort_suffixes_and_repeated_rows_become_variants(hub: ParsedSource) -> None:
    arc2 = [s for s in _scores(hub, "arc-agi-v2") if s.model.external_id == "claude-opus-4-6_120K"]
    raw = [
        r for r in _raw("arc_agi_2_external.csv") if r["Model version"] == "claude-opus-4-6_120K"
    ]
    assert sorted(s.variant for s in arc2) == sorted(f"120K #{r['id']}" for r in raw)
    mmlu = [s for s in _scores(hub, "mmlu") if s.model.external_id == "Baichuan2-13B-Chat"]
    assert {s.variant for s in mmlu} == {"shots=0", "shots=5"}


def test_vendor_pages_are_self_reported(hub: ParsedSource) -> None:
    # In this export the only vendor pages are Anthropic's and Inflection's.
    vendors = {"anthropic.com": "Anthropic", "inflection.ai": "Inflection"}
    expected = 0
    for file in _bench_dir().glob("*_external.csv"):
        for row in _raw(file.name):
            link = row.get("Source link") or row.get("Source Link") or ""
            if row["Model version"].strip() and any(
                host in link and org in row["Organization"] for host, org in vendors.items()
            ):
                expected += 1
    assert expected == 19
    assert sum(1 for s in hub.scores if s.kind == "SELF_REPORTED") == expected


def test_one_benchmark_file_alone() -> None:
    parsed = epoch.parse(_bench_dir() / "swe_bench_verified.csv")
    assert [b.slug for b in parsed.benchmarks] == ["swe-bench-verified"]
    assert len(parsed.scores) == len(_raw("swe_bench_verified.csv"))


def test_notable_models_keep_language_and_multimodal() -> None:
    with _notable_csv().open(newline="", encoding="utf-8") as handle:
        raw = list(csv.DictReader(handle))
    kept = [
        r for r in raw if {"Language", "Multimodal"} & {d.strip() for d in r["Domain"].split(",")}
    ]
    parsed = epoch.parse(_notable_csv())
    assert len(raw) == 976
    assert len(parsed.models) == len(kept) and parsed.problems == []
    by_name = {m.name: m for m in parsed.models}
    first = kept[0]
    model = by_name[first["Model"].strip()]
    assert model.param_count == int(float(first["Parameters"]))
    assert model.release_date is not None
    assert model.release_date.isoformat() == first["Publication date"]
    assert model.organization_slug == first["Organization"].split(",")[0].strip().lower()
    open_rows = [r for r in kept if r["Model accessibility"].startswith("Open weights")]
    assert sum(1 for m in parsed.models if m.open_weight) == len(open_rows)
    assert all("\n" not in m.name for m in parsed.models)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_truncated_file_is_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path, "gpqa_diamond.csv", 'Model version,mean_score,stderr\n"gpt-4o,0.5')
    with pytest.raises(UnreadableSource):
        epoch.parse(path)


def test_missing_score_column_is_unreadable(tmp_path: Path) -> None:
    path = _write(tmp_path, "mmlu_external.csv", "Model version,Score\ngpt-4o,0.8\n")
    with pytest.raises(UnreadableSource, match="EM"):
        epoch.parse(path)


def test_garbage_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableSource):
        epoch.parse(_write(tmp_path, "random.csv", "\x00\x01 not,a\nbenchmark"))


def test_bad_cells_are_problems_with_their_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "gpqa_diamond.csv",
        "Model version,mean_score,stderr,Started at,Log viewer,Logs,id\n"
        "gpt-4o-2024-08-06,0.5,0.01,2025-01-02T03:04:05Z,https://x.test/a,,r1\n"
        "o3-2025-04-16_high,abc,0.01,2025-01-02T03:04:05Z,,,r2\n"
        "o3-2025-04-16_low,1.5,0.01,2025-01-02T03:04:05Z,,,r3\n",
    )
    parsed = epoch.parse(path)
    assert [(p.location, p.reason) for p in parsed.problems] == [
        (f"{path}:3", "mean_score 'abc' is not a number"),
        (f"{path}:4", "mean_score 1.5 is outside the 0-1 scale of this file"),
    ]
    (score,) = parsed.scores
    assert score.scored_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert score.normalized_score == 50.0 and score.uncertainty == 1.0


def test_notable_bad_rows_are_problems_with_their_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "notable-ai-models.csv",
        "Model,Organization,Publication date,Domain,Parameters,Model accessibility,Link\n"
        '"Good\n",Acme Labs,2024-05-01,Language,7000000000.0,Open weights (unrestricted),'
        "https://huggingface.co/acme/good\n"
        "Bad params,Acme,2024-05-01,Language,seven billion,API access,\n"
        "Bad date,Acme,May 2024,Language,,API access,\n"
        "Chess,Acme,2024-05-01,Games,,Unreleased,\n",
    )
    parsed = epoch.parse(path)
    assert [(p.location, p.reason) for p in parsed.problems] == [
        (f"{path}:4", "Parameters 'seven billion' is not a number"),
        (f"{path}:5", "Publication date 'May 2024' is not a date"),
    ]
    (model,) = parsed.models
    assert (model.name, model.organization_slug, model.param_count) == (
        "Good",
        "acme-labs",
        7 * 10**9,
    )
    assert model.open_weight is True and model.ref.hf_repo == "acme/good"
    assert model.source_weights == "https://huggingface.co/acme/good"
    assert parsed.notes == [
        "notable-ai-models.csv: 1 models outside the Language/Multimodal domains"
    ]
