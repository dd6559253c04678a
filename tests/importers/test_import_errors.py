"""Bad files and bad rows: clear reports, non-zero exit, nothing written for what was bad."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import cli
from app.db.tables import BenchmarkScoreRow, ModelExternalIdRow, ModelRow
from app.importers.report import EXIT_OK, EXIT_SKIPPED, EXIT_UNREADABLE, EXIT_USAGE
from tests.importers.support import row_counts, scalar


async def _cli(engine, monkeypatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", engine.url.render_as_string(hide_password=False))
    # The command runs its own event loop: give it a thread of its own.
    return await asyncio.to_thread(cli.main, ["import", *args])


def _litellm_file(tmp_path: Path, entries: dict) -> Path:
    path = tmp_path / "model_prices_and_context_window.json"
    path.write_text(json.dumps({**entries, "last_updated": "2025-10-16T00:00:00+00:00"}))
    return path


GOOD = {
    "litellm_provider": "openai",
    "mode": "chat",
    "input_cost_per_token": 2.5e-06,
    "output_cost_per_token": 1e-05,
    "max_input_tokens": 128000,
}


async def test_truncated_json_writes_nothing(empty_engine, monkeypatch, capsys, tmp_path):
    path = _litellm_file(tmp_path, {"gpt-test-1": GOOD})
    path.write_text(path.read_text()[:70])  # cut mid-object
    before = await row_counts(empty_engine)
    code = await _cli(empty_engine, monkeypatch, "litellm", str(path))
    err = capsys.readouterr().err
    assert code == EXIT_UNREADABLE != 0
    assert str(path) in err and "invalid JSON" in err and "nothing was written" in err
    assert await row_counts(empty_engine) == before


async def test_rows_with_wrong_types_are_reported_and_skipped(
    empty_engine, monkeypatch, capsys, tmp_path
):
    path = _litellm_file(
        tmp_path,
        {
            "gpt-test-1": GOOD,
            "gpt-test-2": {**GOOD, "input_cost_per_token": "cheap"},
            "gpt-test-3": {**GOOD, "max_input_tokens": "lots"},
            "gpt-test-4": ["not", "an", "object"],
        },
    )
    code = await _cli(empty_engine, monkeypatch, "litellm", str(path))
    out = capsys.readouterr().out
    assert code == EXIT_SKIPPED
    assert f"{path}#gpt-test-2: input_cost_per_token must be a number, got str" in out
    assert f"{path}#gpt-test-3: max_input_tokens must be a number, got str" in out
    assert f"{path}#gpt-test-4: expected an object, got list" in out
    assert "skipped 3:" in out
    ids = await scalar(empty_engine, select(ModelExternalIdRow.external_id))
    assert ids == "gpt-test-1"
    assert await scalar(empty_engine, select(func.count()).select_from(ModelRow)) == 1

    # The good row is idempotent; the bad ones are still reported (exit stays non-zero).
    assert await _cli(empty_engine, monkeypatch, "litellm", str(path)) == EXIT_SKIPPED
    assert "nothing changed" in capsys.readouterr().out


def _llm_stats_tree(root: Path) -> Path:
    data = root / "data"
    org = data / "organizations/acme"
    (org / "models/acme-1").mkdir(parents=True)
    (org / "models/acme-2").mkdir(parents=True)
    (data / "benchmarks").mkdir(parents=True)
    (data / "licenses").mkdir(parents=True)
    (data / "providers").mkdir(parents=True)
    (org / "organization.json").write_text(json.dumps({"organization_id": "acme", "name": "Acme"}))
    (data / "benchmarks/mmlu.json").write_text(
        json.dumps(
            {"benchmark_id": "mmlu", "name": "MMLU", "categories": ["general"], "max_score": 1.0}
        )
    )
    model = {
        "model_id": "acme-1",
        "name": "Acme 1",
        "organization_id": "acme",
        "release_date": "2025-01-01",
        "param_count": 7000000000,
        "multimodal": False,
    }
    (org / "models/acme-1/model.json").write_text(json.dumps(model))
    score = {
        "model_benchmark_id": 1,
        "benchmark_id": "mmlu",
        "model_id": "acme-1",
        "score": 0.5,
        "normalized_score": 0.5,
        "is_self_reported": True,
    }
    (org / "models/acme-1/benchmarks.json").write_text(
        json.dumps(
            [
                score,
                {**score, "model_benchmark_id": 2, "score": "high", "analysis_method": "x"},
                {**score, "model_benchmark_id": 3, "benchmark_id": "nope", "analysis_method": "y"},
            ]
        )
    )
    bad_model = {**model, "model_id": "acme-2", "param_count": "seven billion"}
    (org / "models/acme-2/model.json").write_text(json.dumps(bad_model))
    return root


async def test_llm_stats_bad_rows(empty_engine, monkeypatch, capsys, tmp_path):
    root = _llm_stats_tree(tmp_path / "llm-stats")
    code = await _cli(empty_engine, monkeypatch, "llm-stats", str(root))
    out = capsys.readouterr().out
    assert code == EXIT_SKIPPED
    assert "acme-2/model.json: param_count must be a number, got str" in out
    assert "benchmarks.json#[1]: score must be a number, got str" in out
    assert "benchmarks.json#[2]: unknown benchmark 'nope'" in out
    assert await scalar(empty_engine, select(ModelRow.slug)) == "acme-1"
    assert await scalar(empty_engine, select(func.count()).select_from(BenchmarkScoreRow)) == 1


async def test_unparseable_file_in_a_tree_writes_nothing(
    empty_engine, monkeypatch, capsys, tmp_path
):
    root = _llm_stats_tree(tmp_path / "llm-stats")
    (root / "data/organizations/acme/models/acme-1/benchmarks.json").write_text('[{"score": 0.')
    before = await row_counts(empty_engine)
    code = await _cli(empty_engine, monkeypatch, "llm-stats", str(root))
    assert code == EXIT_UNREADABLE
    assert "acme-1/benchmarks.json:1" in capsys.readouterr().err
    assert await row_counts(empty_engine) == before


@pytest.mark.parametrize("args", [("no-such-source", "."), ("litellm", "/no/such/path")])
async def test_usage_errors(empty_engine, monkeypatch, capsys, args):
    assert await _cli(empty_engine, monkeypatch, *args) == EXIT_USAGE
    assert "catalog import:" in capsys.readouterr().err


async def test_clean_run_exits_zero(empty_engine, monkeypatch, capsys, tmp_path):
    path = _litellm_file(tmp_path, {"gpt-test-1": GOOD})
    assert await _cli(empty_engine, monkeypatch, "litellm", str(path)) == EXIT_OK
    out = capsys.readouterr().out
    assert "skipped 0" in out and "models" in out
