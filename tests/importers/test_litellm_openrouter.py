"""LiteLLM and OpenRouter imports: units, counts, price history across snapshots, identity."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from app.db.tables import ModelExternalIdRow, ModelRow, ProviderPricingRow, ProviderRow
from app.importers.sources.litellm import TEXT_MODES
from tests.conftest import client_for, gql
from tests.importers.support import (
    LITELLM_2025,
    LITELLM_2026,
    OPENROUTER,
    datasets_dir,
    import_,
    load_json,
    row_counts,
    rows,
    scalar,
)


def _in_scope(raw: dict) -> dict[str, dict]:
    """Text-generation entries with a per-token price, computed from the raw file."""
    return {
        key: item
        for key, item in raw.items()
        if isinstance(item, dict)
        and key != "sample_spec"
        and item.get("mode") in TEXT_MODES
        and (
            item.get("input_cost_per_token") is not None
            or item.get("output_cost_per_token") is not None
        )
    }


def _pair_history(model_id: int, provider: str):
    return (
        select(
            ProviderPricingRow.input_price_per_m,
            ProviderPricingRow.output_price_per_m,
            ProviderPricingRow.valid_from,
            ProviderPricingRow.valid_to,
        )
        .join(ProviderRow, ProviderRow.id == ProviderPricingRow.provider_id)
        .where(ProviderPricingRow.model_id == model_id, ProviderRow.slug == provider)
        .order_by(ProviderPricingRow.valid_from)
    )


async def _model_of(engine, source: str, external_id: str) -> int:
    stmt = select(ModelExternalIdRow.model_id).where(
        ModelExternalIdRow.source == source, ModelExternalIdRow.external_id == external_id
    )
    model_id = await scalar(engine, stmt)
    assert model_id is not None, external_id
    return int(model_id)


async def test_litellm_units_counts_and_idempotence(empty_engine):
    path = datasets_dir() / LITELLM_2025
    raw = load_json(path)
    scope = _in_scope(raw)
    report = await import_(empty_engine, "litellm", path)
    assert report.problems == [] and report.exit_code == 0
    # Every in-scope key is kept as an external id of some canonical model.
    ids = select(func.count()).where(ModelExternalIdRow.source == "litellm")
    assert await scalar(empty_engine, ids) == len(scope) == report.tally("external_ids")["created"]
    # Many keys name one model (providers, regions): fewer models than keys.
    assert 0 < report.tally("models")["created"] < len(scope)

    entry = raw["deepseek/deepseek-chat"]
    model_id = await _model_of(empty_engine, "litellm", "deepseek/deepseek-chat")
    [(price_in, price_out, valid_from, valid_to)] = await rows(
        empty_engine, _pair_history(model_id, "deepseek")
    )
    assert abs(price_in - entry["input_cost_per_token"] * 1_000_000) < 1e-9
    assert abs(price_out - entry["output_cost_per_token"] * 1_000_000) < 1e-9
    assert valid_from == datetime.fromisoformat(raw["last_updated"]) and valid_to is None
    # The model's fields come from its plainest key first (`deepseek-chat` before
    # `deepseek/deepseek-chat`): documented merge rule, checked against the raw entries.
    keys = await rows(
        empty_engine,
        select(ModelExternalIdRow.external_id).where(ModelExternalIdRow.model_id == model_id),
    )
    plainest = sorted((k for (k,) in keys), key=lambda k: (len(k), k))
    expected = next(raw[k]["max_input_tokens"] for k in plainest if raw[k].get("max_input_tokens"))
    window = select(ModelRow.context_window).where(ModelRow.id == model_id)
    assert await scalar(empty_engine, window) == expected

    # Bedrock's region/vendor prefixes and -v2:0 suffix resolve to the plain Anthropic id.
    bedrock = "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0"
    if bedrock in scope:
        assert await _model_of(empty_engine, "litellm", bedrock) == await _model_of(
            empty_engine, "litellm", "claude-3-5-sonnet-20241022"
        )

    before = await row_counts(empty_engine)
    again = await import_(empty_engine, "litellm", path)
    assert not again.changed, again.lines()
    assert await row_counts(empty_engine) == before


async def test_litellm_snapshots_make_price_history(empty_engine):
    old_path, new_path = datasets_dir() / LITELLM_2025, datasets_dir() / LITELLM_2026
    old, new = load_json(old_path), load_json(new_path)
    old_at = datetime.fromisoformat(old["last_updated"])
    new_at = datetime.fromisoformat(new["last_updated"])
    await import_(empty_engine, "litellm", old_path)
    second = await import_(empty_engine, "litellm", new_path)
    assert second.problems == [] and second.tally("prices")["updated"] > 0

    model_id = await _model_of(empty_engine, "litellm", "deepseek/deepseek-chat")
    history = await rows(empty_engine, _pair_history(model_id, "deepseek"))
    per_m = 1_000_000
    assert [(round(i, 6), round(o, 6), f, t) for i, o, f, t in history] == [
        (
            round(old["deepseek/deepseek-chat"]["input_cost_per_token"] * per_m, 6),
            round(old["deepseek/deepseek-chat"]["output_cost_per_token"] * per_m, 6),
            old_at,
            new_at,
        ),
        (
            round(new["deepseek/deepseek-chat"]["input_cost_per_token"] * per_m, 6),
            round(new["deepseek/deepseek-chat"]["output_cost_per_token"] * per_m, 6),
            new_at,
            None,
        ),
    ]

    # A model retired from the newer snapshot: its price period is closed at the newer date.
    assert "claude-3-5-sonnet-20241022" in old and "claude-3-5-sonnet-20241022" not in new
    retired = await _model_of(empty_engine, "litellm", "claude-3-5-sonnet-20241022")
    [(_, _, _, closed_at)] = await rows(empty_engine, _pair_history(retired, "anthropic"))
    assert closed_at == new_at

    # asOf between the snapshots answers the old price; now, the new one.
    query = """query($id: String!, $at: DateTime) { resolveModel(id: $id) {
        old: providers(asOf: $at) { providerId inputPricePerM }
        now: providers { providerId inputPricePerM } } }"""
    between = old_at + (new_at - old_at) / 2
    async with client_for(empty_engine) as http:
        body = await gql(http, query, {"id": "deepseek/deepseek-chat", "at": between.isoformat()})
    model = body["data"]["resolveModel"]
    old_prices = {p["inputPricePerM"] for p in model["old"]}
    new_prices = {p["inputPricePerM"] for p in model["now"]}
    assert round(old["deepseek/deepseek-chat"]["input_cost_per_token"] * per_m, 6) in old_prices
    assert round(new["deepseek/deepseek-chat"]["input_cost_per_token"] * per_m, 6) in new_prices

    # Re-importing the newer snapshot is a no-op; re-importing the OLDER one after it changes
    # nothing either: history recorded by the newer snapshot is never rewritten.
    before = await row_counts(empty_engine)
    assert not (await import_(empty_engine, "litellm", new_path)).changed
    older_again = await import_(empty_engine, "litellm", old_path)
    assert not older_again.changed, older_again.lines()
    assert await row_counts(empty_engine) == before
    assert await rows(empty_engine, _pair_history(model_id, "deepseek")) == history


async def test_snapshots_in_either_order_give_the_same_history(databases, migrated_template):
    """Newer then older yields the same history as older then newer: for a changed price (the
    older price is inserted before the newer one) and for a retired model (closed at the newer
    snapshot's date)."""
    from app.db.engine import create_engine

    old_path, new_path = datasets_dir() / LITELLM_2025, datasets_dir() / LITELLM_2026
    histories = []
    for order in ((old_path, new_path), (new_path, old_path)):
        engine = create_engine(await databases.copy(migrated_template, "order"))
        try:
            for path in order:
                await import_(engine, "litellm", path)
            found = []
            for key, provider in (
                ("deepseek/deepseek-chat", "deepseek"),
                ("claude-3-5-sonnet-20241022", "anthropic"),
            ):
                model_id = await _model_of(engine, "litellm", key)
                found.append(await rows(engine, _pair_history(model_id, provider)))
            histories.append(found)
        finally:
            await engine.dispose()
    assert histories[0] == histories[1]
    deepseek, retired = histories[0]
    assert len(deepseek) == 2 and len(retired) == 1 and retired[0][3] is not None


async def test_openrouter_import(empty_engine):
    path = datasets_dir() / OPENROUTER
    raw = load_json(path)["data"]
    models = [m for m in raw if not m["id"].startswith("~")]
    report = await import_(empty_engine, "openrouter", path)
    assert report.problems == [] and report.exit_code == 0
    ids = select(func.count()).where(ModelExternalIdRow.source == "openrouter")
    assert await scalar(empty_engine, ids) == len(models) == 326

    sample = next(m for m in models if m["id"] == "anthropic/claude-opus-5")
    model_id = await _model_of(empty_engine, "openrouter", "anthropic/claude-opus-5")
    [(price_in, price_out, _, _)] = await rows(empty_engine, _pair_history(model_id, "openrouter"))
    assert abs(price_in - float(sample["pricing"]["prompt"]) * 1_000_000) < 1e-9
    assert abs(price_out - float(sample["pricing"]["completion"]) * 1_000_000) < 1e-9
    # ":free" names the same model as the paid id.
    assert await _model_of(empty_engine, "openrouter", "poolside/laguna-s-2.1:free") == (
        await _model_of(empty_engine, "openrouter", "poolside/laguna-s-2.1")
    )
    # Indices have no maximum: no normalized score.
    query = """{ resolveModel(id: "anthropic/claude-opus-5") {
        externalIds { source id }
        scores(first: 10) { edges { node { benchmarkId score normalizedScore source } } } } }"""
    async with client_for(empty_engine) as http:
        body = await gql(http, query)
    node = body["data"]["resolveModel"]
    assert {"source": "openrouter", "id": "anthropic/claude-opus-5"} in node["externalIds"]
    scores = [e["node"] for e in node["scores"]["edges"]]
    expected = sample["benchmarks"]["artificial_analysis"]
    assert sorted(s["score"] for s in scores) == sorted(
        v for v in expected.values() if v is not None
    )
    assert all(s["normalizedScore"] is None for s in scores)

    before = await row_counts(empty_engine)
    assert not (await import_(empty_engine, "openrouter", path)).changed
    assert await row_counts(empty_engine) == before
