"""`catalog import llm-stats`: counts and values equal those computed here from the raw files."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    ModelExternalIdRow,
    ModelRow,
    ProviderPricingRow,
    ProviderRow,
)
from tests.importers.support import datasets_dir, import_, load_json, row_counts, rows, scalar


def _raw(data: Path) -> dict[str, list[dict]]:
    models = [load_json(f) for f in sorted(data.glob("organizations/*/models/*/model.json"))]
    scores = [
        s for f in data.glob("organizations/*/models/*/benchmarks.json") for s in load_json(f)
    ]
    prices = [p for f in data.glob("providers/*/models.json") for p in load_json(f)]
    return {"models": models, "scores": scores, "prices": prices}


async def test_llm_stats_import_matches_the_raw_files(empty_engine):
    data = datasets_dir() / "llm-stats/data"
    raw = _raw(data)
    report = await import_(empty_engine, "llm-stats", datasets_dir() / "llm-stats")

    assert report.problems == [] and report.exit_code == 0
    assert report.tally("models")["created"] == len(raw["models"]) == 169
    assert report.tally("scores")["created"] == len(raw["scores"]) == 2224
    assert report.tally("prices")["created"] == len(raw["prices"]) == 244
    assert await scalar(empty_engine, select(func.count()).select_from(ModelRow)) == 169
    ext = select(func.count()).where(ModelExternalIdRow.source == "llm-stats")
    assert await scalar(empty_engine, ext) == 169
    scores = select(func.count()).where(BenchmarkScoreRow.source == "llm-stats")
    assert await scalar(empty_engine, scores) == 2224

    # Context window: the largest max_input_tokens among the model's provider rows.
    windows: dict[str, int] = {}
    for p in raw["prices"]:
        if p["max_input_tokens"]:
            windows[p["model_id"]] = max(windows.get(p["model_id"], 0), p["max_input_tokens"])
    for model_id in ("gpt-4o-2024-08-06", "claude-3-5-sonnet-20241022", "llama-3.3-70b-instruct"):
        found = await scalar(
            empty_engine, select(ModelRow.context_window).where(ModelRow.slug == model_id)
        )
        assert found == windows[model_id], model_id

    # Scores: the stored fraction, normalized_score * 100 (not score / max_score * 100).
    for raw_score in raw["scores"]:
        if (raw_score["model_id"], raw_score["benchmark_id"]) in {
            ("qwen3-next-80b-a3b-thinking", "cfeval"),
            ("claude-3-5-sonnet-20241022", "mmlu"),
        }:
            stmt = (
                select(
                    BenchmarkScoreRow.score,
                    BenchmarkScoreRow.normalized_score,
                    BenchmarkScoreRow.kind,
                    BenchmarkScoreRow.max_score,
                )
                .join(ModelRow, ModelRow.id == BenchmarkScoreRow.model_id)
                .join(BenchmarkRow, BenchmarkRow.id == BenchmarkScoreRow.benchmark_id)
                .where(
                    ModelRow.slug == raw_score["model_id"],
                    BenchmarkRow.slug == raw_score["benchmark_id"],
                )
            )
            [(score, normalized, kind, max_score)] = await rows(empty_engine, stmt)
            assert score == raw_score["score"]
            assert abs(normalized - raw_score["normalized_score"] * 100) < 1e-9
            assert kind == "SELF_REPORTED"
            assert abs(score / max_score - raw_score["normalized_score"]) < 1e-9

    # Prices: US cents per million tokens / 100 = USD per million tokens.
    sample = next(
        p
        for p in raw["prices"]
        if p["model_id"] == "claude-3-5-sonnet-20241022" and p["provider_id"] == "anthropic"
    )
    stmt = (
        select(ProviderPricingRow.input_price_per_m, ProviderPricingRow.output_price_per_m)
        .join(ModelRow, ModelRow.id == ProviderPricingRow.model_id)
        .join(ProviderRow, ProviderRow.id == ProviderPricingRow.provider_id)
        .where(ModelRow.slug == "claude-3-5-sonnet-20241022", ProviderRow.slug == "anthropic")
    )
    assert await rows(empty_engine, stmt) == [
        (
            sample["input_cents_per_million_tokens"] / 100,
            sample["output_cents_per_million_tokens"] / 100,
        )
    ]

    # Lower-is-better WER benchmarks; unbounded scales are not involved here.
    direction = select(BenchmarkRow.slug, BenchmarkRow.higher_is_better).where(
        BenchmarkRow.slug.in_(["fleurs", "common-voice-15", "mmlu"])
    )
    assert dict(await rows(empty_engine, direction)) == {
        "fleurs": False,
        "common-voice-15": False,
        "mmlu": True,
    }

    # Several rows for one (model, benchmark) are kept apart by their variant.
    multi = (
        select(func.count())
        .select_from(BenchmarkScoreRow)
        .join(ModelRow, ModelRow.id == BenchmarkScoreRow.model_id)
        .join(BenchmarkRow, BenchmarkRow.id == BenchmarkScoreRow.benchmark_id)
        .where(ModelRow.slug == "gpt-oss-120b", BenchmarkRow.slug == "codeforces")
    )
    expected = sum(
        1
        for s in raw["scores"]
        if s["model_id"] == "gpt-oss-120b" and s["benchmark_id"] == "codeforces"
    )
    assert expected > 1 and await scalar(empty_engine, multi) == expected


async def test_llm_stats_second_import_changes_nothing(empty_engine):
    path = datasets_dir() / "llm-stats"
    first = await import_(empty_engine, "llm-stats", path)
    before = await row_counts(empty_engine)
    second = await import_(empty_engine, "llm-stats", path)
    assert first.changed
    assert not second.changed, second.lines()
    assert second.total("created") == 0 and second.total("updated") == 0
    assert second.tally("scores")["unchanged"] == 2224
    assert "  nothing changed (already up to date)" in second.lines()
    assert await row_counts(empty_engine) == before


async def test_llm_stats_into_the_demo_catalog_is_idempotent(fresh_engine):
    path = datasets_dir() / "llm-stats"
    first = await import_(fresh_engine, "llm-stats", path)
    assert first.problems == []
    second = await import_(fresh_engine, "llm-stats", path)
    assert not second.changed, second.lines()
