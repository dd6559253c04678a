"""`catalog import --observed-at DATE`: the date of a snapshot that carries none of its own.

llm-stats (prices) and LMArena (scores) carry no date; LiteLLM (`last_updated`, else a
`YYYY-MM-DD` directory) and OpenRouter (a `YYYY-MM-DD` directory) do, and their own date wins.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from app import cli
from app.db.tables import ProviderPricingRow
from app.importers.records import UnreadableSource
from app.importers.report import EXIT_OK
from app.importers.sources import litellm, llm_stats, openrouter
from tests.importers.support import OPENROUTER, datasets_dir, rows

DAY = date(2025, 11, 1)
GOOD = {
    "litellm_provider": "openai",
    "mode": "chat",
    "input_cost_per_token": 2.5e-06,
    "output_cost_per_token": 1e-05,
}


def test_llm_stats_prices_take_the_given_date() -> None:
    parsed = llm_stats.parse(datasets_dir() / "llm-stats", DAY)
    moment = datetime(2025, 11, 1, tzinfo=UTC)
    assert parsed.as_of == moment
    assert parsed.prices and {p.observed_at for p in parsed.prices} == {moment}
    assert not any("observed" in note for note in parsed.notes)


def test_llm_stats_without_a_date_uses_its_newest_update_and_says_so() -> None:
    parsed = llm_stats.parse(datasets_dir() / "llm-stats")
    moment = datetime(2025, 10, 15, tzinfo=UTC)  # the newest `updated_at` of the snapshot
    assert parsed.as_of == moment
    assert {p.observed_at for p in parsed.prices} == {moment}
    assert any("2025-10-15" in note and "--observed-at" in note for note in parsed.notes)


def test_litellm_own_date_wins_over_the_option(tmp_path: Path) -> None:
    dated = tmp_path / "model_prices_and_context_window.json"
    dated.write_text(json.dumps({"gpt-test-1": GOOD, "last_updated": "2025-10-16T00:00:00Z"}))
    parsed = litellm.parse(dated, DAY)
    assert parsed.as_of == datetime(2025, 10, 16, tzinfo=UTC)
    assert any("--observed-at 2025-11-01 ignored" in note for note in parsed.notes)
    assert litellm.parse(dated, date(2025, 10, 16)).notes == []


def test_an_undated_litellm_file_needs_the_option(tmp_path: Path) -> None:
    undated = tmp_path / "model_prices_and_context_window.json"
    undated.write_text(json.dumps({"gpt-test-1": GOOD}))
    with pytest.raises(UnreadableSource, match="--observed-at"):
        litellm.parse(undated)
    parsed = litellm.parse(undated, DAY)
    assert parsed.as_of == datetime(2025, 11, 1, tzinfo=UTC)
    assert {p.observed_at for p in parsed.prices} == {parsed.as_of}


def test_openrouter_dates_an_undated_copy_by_the_option(tmp_path: Path) -> None:
    copy = tmp_path / "openrouter_models.json"
    copy.write_text((datasets_dir() / OPENROUTER).read_text(encoding="utf-8"))
    assert openrouter.parse(copy, DAY).as_of == datetime(2025, 11, 1, tzinfo=UTC)
    own = openrouter.parse(datasets_dir() / OPENROUTER, DAY)
    assert own.as_of == datetime(2026, 8, 1, tzinfo=UTC)  # its directory's date
    assert any("ignored" in note for note in own.notes)


async def test_the_command_line_passes_the_date_through(empty_engine, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    path = str(datasets_dir() / "llm-stats")
    args = ["import", "llm-stats", path, "--observed-at", "2025-11-01"]
    assert await asyncio.to_thread(cli.main, args) == EXIT_OK
    stored = await rows(empty_engine, select(ProviderPricingRow.valid_from).distinct())
    assert [row[0].date() for row in stored] == [DAY]

    # A command line that does not parse: argparse's status 2, returned (never a traceback).
    assert cli.main(["import", "llm-stats", path, "--observed-at", "yesterday"]) == 2
    assert "not a date (YYYY-MM-DD): 'yesterday'" in capsys.readouterr().err
