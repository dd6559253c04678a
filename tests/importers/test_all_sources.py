"""End to end: every real source imported into one fresh database, checked against the raw files.

The imports go through `app.importers.run.import_source`, the code path of `catalog import`,
in the README's order. Expected values are computed here from the raw files (never through the
parsers). Covered elsewhere, not repeated here: price history across the two LiteLLM snapshots
and `asOf` between them (test_litellm_openrouter.py), a truncated JSON file and rows with wrong
types through the CLI (test_import_errors.py).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_engine
from app.importers.report import EXIT_OK, EXIT_SKIPPED, ImportReport
from app.importers.sources.litellm import TEXT_MODES
from app.services import identity
from tests.conftest import client_for, gql
from tests.databases import DatabaseFactory
from tests.importers.support import LITELLM_2025, LITELLM_2026, OPENROUTER, datasets_dir, import_

# (source, path under the datasets dir, expected exit status)
ORDER: list[tuple[str, str, int]] = [
    ("llm-stats", "llm-stats", EXIT_OK),
    ("litellm", LITELLM_2025, EXIT_OK),
    ("litellm", LITELLM_2026, EXIT_OK),
    ("openrouter", "openrouter/data/history/2026-08-01", EXIT_OK),  # the directory is accepted
    ("epoch", "epoch-benchmarks", EXIT_OK),  # the export's top folder is accepted
    ("lmarena", "lmarena/csv", EXIT_OK),
    ("open-llm-leaderboard", "open-llm-leaderboard/csv", EXIT_OK),
    # Five gallery entries list a file with an empty sha256 (voxtral-mini-4b-realtime and four
    # wan-2.1 entries): their models are imported, their versions are not (a file without a
    # checksum cannot be verified), and the run says so with exit status 1.
    ("localai", "localai-gallery/gallery", EXIT_SKIPPED),
    ("gpt4all", "gpt4all/gpt4all-chat/metadata/models3.json", EXIT_OK),
]


# `--observed-at` for the snapshots that carry no date of their own (README, "Importing real
# data"; the dates are the shared snapshots', ../shared/datasets/README.md).
OBSERVED_AT = {"llm-stats": date(2025, 10, 16), "lmarena": date(2025, 8, 4)}


@dataclass
class Imported:
    engine: AsyncEngine
    first: list[ImportReport]
    second: list[ImportReport]


@pytest.fixture(scope="module")
async def imported(databases: DatabaseFactory, migrated_template: str) -> AsyncIterator[Imported]:
    root = datasets_dir()
    engine = create_engine(await databases.copy(migrated_template, "allsources"))
    first = [
        await import_(engine, source, root / path, OBSERVED_AT.get(source))
        for source, path, _ in ORDER
    ]
    second = [
        await import_(engine, source, root / path, OBSERVED_AT.get(source))
        for source, path, _ in ORDER
    ]
    yield Imported(engine, first, second)
    await engine.dispose()


def _llm_stats_models() -> dict[str, dict[str, Any]]:
    """model_id -> {org, scores: [(benchmark, score, normalized)], prices: [provider row]}."""
    data = datasets_dir() / "llm-stats" / "data"
    models: dict[str, dict[str, Any]] = {}
    for model_file in sorted(data.glob("organizations/*/models/*/model.json")):
        raw = json.loads(model_file.read_text(encoding="utf-8"))
        bench_file = model_file.with_name("benchmarks.json")
        results = json.loads(bench_file.read_text()) if bench_file.is_file() else []
        models[raw["model_id"]] = {
            "org": raw["organization_id"],
            "scores": [
                (r["benchmark_id"], r["score"], r["normalized_score"])
                for r in results
                if r.get("score") is not None
            ],
            "prices": [],
        }
    for prices_file in sorted(data.glob("providers/*/models.json")):
        for row in json.loads(prices_file.read_text(encoding="utf-8")):
            models[row["model_id"]]["prices"].append(row)
    return models


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _sample(models: dict[str, dict[str, Any]]) -> list[str]:
    """Every 11th model id in sorted order (about 15), deterministic."""
    return sorted(models)[::11]


async def test_every_source_imports_with_the_expected_exit_status(imported: Imported) -> None:
    codes = [(r.source, r.exit_code) for r in imported.first]
    assert codes == [(source, code) for source, _, code in ORDER], [
        line for r in imported.first for line in r.lines() if r.problems
    ]
    localai = next(r for r in imported.first if r.source == "localai")
    # ... and one entry is ambiguous: `reflection-llama-3.1-70b` links only a re-packager's
    # repo (leafspark), and two owners publish that name on the Open LLM Leaderboard
    # (glaiveai, mattshumer): owners decide identity, so it is reported, not guessed.
    assert len(localai.problems) == 6
    assert sum("sha256 ''" in p.reason for p in localai.problems) == 5
    assert any(
        "ambiguous model id 'reflection-llama-3.1-70b'" in p.reason for p in localai.problems
    )
    # No problem is reported twice (one per skipped row, not one per record of it).
    for report in imported.first:
        assert len(set(report.problems)) == len(report.problems), report.source
    # Each source created something.
    assert all(r.total("created") > 0 for r in imported.first[:1] + imported.first[3:])


async def test_a_second_import_of_every_source_changes_nothing(imported: Imported) -> None:
    for first, second in zip(imported.first, imported.second, strict=True):
        assert (second.total("created"), second.total("updated")) == (0, 0), "\n".join(
            second.lines()
        )
        assert second.problems == first.problems, second.source
        assert second.total("unchanged") > 0


async def test_llm_stats_models_carry_the_files_values(imported: Imported) -> None:
    models = _llm_stats_models()
    sample = _sample(models)
    assert len(sample) >= 15
    query = """query($id: String!) { resolveModel(id: $id) {
        id canonicalName contextWindow
        scores(filter: {source: "llm-stats"}, first: 100) {
          totalCount nodes { benchmarkId score normalizedScore } }
        priceHistory(first: 100) {
          nodes { providerId inputPricePerM outputPricePerM source } } } }"""
    checked_prices = 0
    async with client_for(imported.engine) as http:
        for model_id in sample:
            raw = models[model_id]
            body = await gql(http, query, {"id": model_id})
            model = body["data"]["resolveModel"]
            assert model is not None, (model_id, body.get("errors"))
            assert model["canonicalName"].startswith(f"{raw['org']}/"), model["canonicalName"]
            # scores: the file's score and its normalized fraction as 0-100
            expected = sorted(
                (b, round(s, 4), round(n * 100, 4) if n is not None else None)
                for b, s, n in raw["scores"]
            )
            scores = model["scores"]
            assert scores["totalCount"] == len(expected) < 100, model_id
            got = sorted(
                (n["benchmarkId"], round(n["score"], 4), _round(n["normalizedScore"]))
                for n in scores["nodes"]
            )
            assert got == expected, model_id
            # context window: the largest provider max_input_tokens (model.json has none)
            windows = [p["max_input_tokens"] for p in raw["prices"] if p.get("max_input_tokens")]
            if windows:
                assert model["contextWindow"] == max(windows), model_id
            # prices: cents per million / 100, as recorded from llm-stats
            recorded = {
                (p["providerId"], p["inputPricePerM"], p["outputPricePerM"])
                for p in model["priceHistory"]["nodes"]
                if p["source"] == "llm-stats"
            }
            for row in raw["prices"]:
                cents_in = row.get("input_cents_per_million_tokens")
                cents_out = row.get("output_cents_per_million_tokens")
                price = (
                    row["provider_id"],
                    cents_in / 100 if cents_in is not None else None,
                    cents_out / 100 if cents_out is not None else None,
                )
                assert price in recorded, (model_id, price, recorded)
                checked_prices += 1
    assert checked_prices >= 10


def _same_model_ids(models: dict[str, dict[str, Any]], ids: list[str]) -> list[tuple[str, str]]:
    """(source id, llm-stats id) where the source id normalizes to an llm-stats model id
    (identity tier 2, unit-tested in tests/services/test_identity.py)."""
    known = set(models)
    return [(i, identity.normalize_id(i)) for i in ids if identity.normalize_id(i) in known]


async def test_resolve_model_finds_llm_stats_models_by_litellm_and_openrouter_ids(
    imported: Imported,
) -> None:
    root = datasets_dir()
    models = _llm_stats_models()
    litellm = json.loads((root / LITELLM_2026).read_text(encoding="utf-8"))
    litellm_ids = sorted(
        key
        for key, item in litellm.items()
        if isinstance(item, dict)
        and item.get("mode") in TEXT_MODES
        and item.get("input_cost_per_token") is not None
    )
    openrouter = json.loads((root / OPENROUTER).read_text(encoding="utf-8"))["data"]
    router_ids = sorted(item["id"] for item in openrouter)
    pairs = (
        _same_model_ids(models, litellm_ids)[::3][:15] + _same_model_ids(models, router_ids)[:10]
    )
    assert len(pairs) >= 20
    query = """query($id: String!) { resolveModel(id: $id) { id } }"""
    async with client_for(imported.engine) as http:
        for source_id, model_id in pairs:
            theirs = (await gql(http, query, {"id": source_id}))["data"]["resolveModel"]
            ours = (await gql(http, query, {"id": model_id}))["data"]["resolveModel"]
            assert theirs is not None and theirs == ours, (source_id, model_id)


# Benchmarks only llm-stats scores (checked below): the leaderboard is then the file's ranking.
# On shared benchmarks (gpqa, mmlu: Epoch scores them too) the leaderboard ranks each model by
# its best score from any source.
LEADERBOARD_BENCHMARKS = ("mmlu-pro", "math", "humaneval")


async def test_leaderboard_order_equals_sorting_the_raw_scores(imported: Imported) -> None:
    models = _llm_stats_models()
    query = """query($b: String!) { leaderboard(benchmark: $b, first: 100) {
        totalCount nodes { normalizedScore score { source } model { id } } } }"""
    resolve = """query($id: String!) { resolveModel(id: $id) { id } }"""
    async with client_for(imported.engine) as http:
        for benchmark in LEADERBOARD_BENCHMARKS:
            best: dict[str, float] = {}
            for model_id, raw in models.items():
                for b, _, normalized in raw["scores"]:
                    if b == benchmark and normalized is not None:
                        best[model_id] = max(best.get(model_id, 0.0), normalized * 100)
            assert len(best) >= 20, benchmark
            ids = {
                m: (await gql(http, resolve, {"id": m}))["data"]["resolveModel"]["id"] for m in best
            }
            expected: dict[float, set[str]] = defaultdict(set)
            for model_id, value in best.items():
                expected[round(value, 4)].add(ids[model_id])
            board = (await gql(http, query, {"b": benchmark}))["data"]["leaderboard"]
            assert board["totalCount"] == len(best), benchmark
            assert {n["score"]["source"] for n in board["nodes"]} == {"llm-stats"}
            got: dict[float, set[str]] = defaultdict(set)
            order: list[float] = []
            for node in board["nodes"]:
                value = round(node["normalizedScore"], 4)
                if not order or order[-1] != value:
                    order.append(value)
                got[value].add(node["model"]["id"])
            assert order == sorted(expected, reverse=True), benchmark
            assert got == expected, benchmark


async def test_one_vendor_is_one_organization(imported: Imported) -> None:
    query = """query($org: String!, $name: String!) {
        model(org: $org, name: $name) { organization { slug } } }"""
    resolve = """query($id: String!) { resolveModel(id: $id) { organization { slug } } }"""
    async with client_for(imported.engine) as http:
        for source_id, org in [
            ("meta-llama/llama-3.1-8b-instruct", "meta"),
            ("mistralai/mistral-small-3.1-24b-instruct", "mistral"),
            ("x-ai/grok-4", "xai"),
            ("Meta-Llama-3.1-8B-Instruct", "meta"),
        ]:
            model = (await gql(http, resolve, {"id": source_id}))["data"]["resolveModel"]
            assert model is not None and model["organization"]["slug"] == org, source_id
        body = await gql(http, query, {"org": "meta", "name": "llama-3.1-8b-instruct"})
        assert body["data"]["model"]["organization"]["slug"] == "meta"


async def test_another_owners_repo_is_not_the_makers_model(imported: Imported) -> None:
    """Identity is owner-aware (tests/services/test_identity.py): the Open LLM Leaderboard's
    `jebish7/Llama-3.1-8B-Instruct` is someone's fine-tune or re-upload, a model of its own
    under `jebish7`; `meta-llama/Llama-3.1-8B-Instruct` (also in the CSV) is Meta's model."""
    query = """query($id: String!) { resolveModel(id: $id) {
        id canonicalName organization { slug } } }"""
    async with client_for(imported.engine) as http:

        async def resolve(model_id: str) -> dict[str, Any]:
            model = (await gql(http, query, {"id": model_id}))["data"]["resolveModel"]
            assert model is not None, model_id
            return dict(model)

        meta = await resolve("meta/llama-3.1-8b-instruct")
        assert await resolve("meta-llama/Llama-3.1-8B-Instruct") == meta
        assert await resolve("Llama-3.1-8B-Instruct") == meta  # Epoch's bare name
        # Not any source's stored id, and shared by jebish7's model: the maker's model answers.
        assert await resolve("llama-3.1-8b-instruct") == meta
        fine_tune = await resolve("jebish7/Llama-3.1-8B-Instruct")
        assert fine_tune["id"] != meta["id"]
        assert fine_tune["organization"]["slug"] == "jebish7"
        qwen = await resolve("qwen/qwen2-72b-instruct")
        assert await resolve("Qwen/Qwen2-72B-Instruct") == qwen
        for repo, owner in [("braindao/Qwen2.5-14B-Instruct", "braindao")]:
            other = await resolve(repo)
            assert other["organization"]["slug"] == owner, repo


async def test_bulk_exports_of_everything_have_the_catalogs_row_counts(imported: Imported) -> None:
    """`/v1/export/{kind}.{format}` over the full imported data (tests/test_export.py covers
    the rest): as many rows as the GraphQL API counts, in both formats."""
    from app.services.export_format import KINDS
    from tests.export_support import catalog_counts, export

    async with client_for(imported.engine) as http:
        counts = await catalog_counts(http)
        assert counts["models"] > 5000 and counts["scores"] > 30000, counts
        for format_ in ("jsonl", "csv"):
            for kind in KINDS:
                assert len(await export(http, kind, format_)) == counts[kind], (kind, format_)
