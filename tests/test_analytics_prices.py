"""Price history, prices as of a moment, the cheapest provider and cost estimates."""

from datetime import datetime

import pytest

from app.graphql.types.node import to_global_id
from app.services.pricing import blended_price
from tests.access_support import Tokens
from tests.conftest import gql
from tests.test_publish import create_model, error_of

SET_PRICE = """mutation($p: String!, $i: Float, $o: Float) { setPricing(input: {provider: $p,
  org: "acme", name: "rocket", inputPricePerM: $i, outputPricePerM: $o}) { providerId } }"""
HISTORY = """query($provider: String, $asOf: DateTime, $first: Int, $after: String) {
  model(org: "acme", name: "rocket") {
    priceHistory(provider: $provider, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { providerId inputPricePerM outputPricePerM validFrom validTo source sourceUrl }
    }
    providers(asOf: $asOf) { providerId inputPricePerM outputPricePerM }
  }
}"""


async def must(client, query, variables=None, headers=None):
    body = await gql(client, query, variables, headers)
    assert "errors" not in body, body
    return body["data"]


async def set_price(client, tokens, provider, i, o):
    await must(
        client, SET_PRICE, {"p": provider, "i": i, "o": o}, Tokens.header(tokens.acme_writer)
    )


async def test_price_history_and_as_of(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    await set_price(write_client, tokens, "openai", 1.0, 2.0)
    await set_price(write_client, tokens, "together", 0.5, 0.5)
    await set_price(write_client, tokens, "openai", 3.0, 4.0)
    data = await must(write_client, HISTORY, {"provider": "openai"})
    history = data["model"]["priceHistory"]
    assert history["totalCount"] == 2
    new, old = history["nodes"]
    assert (new["inputPricePerM"], new["outputPricePerM"], new["validTo"]) == (3.0, 4.0, None)
    assert (old["inputPricePerM"], old["outputPricePerM"]) == (1.0, 2.0)
    assert old["validTo"] == new["validFrom"]
    # Every provider: three prices, newest first.
    everything = (await must(write_client, HISTORY))["model"]["priceHistory"]
    assert everything["totalCount"] == 3
    starts = [datetime.fromisoformat(n["validFrom"]) for n in everything["nodes"]]
    assert starts == sorted(starts, reverse=True)
    unknown = (await must(write_client, HISTORY, {"provider": "nobody"}))["model"]["priceHistory"]
    assert unknown == {
        "totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "nodes": [],
    }  # fmt: skip

    # Between the two openai prices, the old one was in effect.
    start, end = datetime.fromisoformat(old["validFrom"]), datetime.fromisoformat(new["validFrom"])
    assert start < end
    between = start + (end - start) / 2
    then = await must(write_client, HISTORY, {"provider": "openai", "asOf": between.isoformat()})
    openai_then = [p for p in then["model"]["providers"] if p["providerId"] == "openai"]
    assert openai_then == [{"providerId": "openai", "inputPricePerM": 1.0, "outputPricePerM": 2.0}]
    now = await must(write_client, HISTORY, {"provider": "openai"})
    assert {p["providerId"]: p["inputPricePerM"] for p in now["model"]["providers"]} == {
        "openai": 3.0, "together": 0.5,
    }  # fmt: skip
    # Provider.pricing answers asOf too.
    provider_query = """query($asOf: DateTime) { provider(slug: "openai") {
        pricing(asOf: $asOf, first: 100) { totalCount nodes { inputPricePerM model { canonicalName } } } } }"""
    at = await must(write_client, provider_query, {"asOf": between.isoformat()})
    rocket = [
        n["inputPricePerM"]
        for n in at["provider"]["pricing"]["nodes"]
        if n["model"]["canonicalName"] == "acme/rocket"
    ]
    assert rocket == [1.0]
    current = await must(write_client, provider_query)
    assert [
        n["inputPricePerM"]
        for n in current["provider"]["pricing"]["nodes"]
        if n["model"]["canonicalName"] == "acme/rocket"
    ] == [3.0]
    # Before any price: nothing.
    before = await must(write_client, HISTORY, {"asOf": "2000-01-01T00:00:00Z"})
    assert before["model"]["providers"] == []


async def test_price_history_pages(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    for price in (1.0, 2.0, 3.0):
        await set_price(write_client, tokens, "openai", price, price)
    first = (await must(write_client, HISTORY, {"first": 2}))["model"]["priceHistory"]
    assert [n["inputPricePerM"] for n in first["nodes"]] == [3.0, 2.0]
    assert first["pageInfo"]["hasNextPage"]
    after = first["pageInfo"]["endCursor"]
    rest = (await must(write_client, HISTORY, {"first": 2, "after": after}))["model"]
    assert [n["inputPricePerM"] for n in rest["priceHistory"]["nodes"]] == [1.0]


async def test_private_prices_stay_private(write_client, tokens):
    await create_model(write_client, tokens.acme_writer, public=False)
    await set_price(write_client, tokens, "openai", 1.0, 2.0)
    anonymous = await gql(write_client, HISTORY)
    assert anonymous["data"]["model"] is None
    provider = await must(
        write_client,
        '{ provider(slug: "openai") { pricing(first: 100) { nodes { model { canonicalName } } } } }',
    )
    assert "acme/rocket" not in {
        n["model"]["canonicalName"] for n in provider["provider"]["pricing"]["nodes"]
    }
    own = await must(write_client, HISTORY, headers=Tokens.header(tokens.acme_reader))
    assert own["model"]["priceHistory"]["totalCount"] == 1
    estimate = await gql(
        write_client,
        '{ estimateCost(org: "acme", name: "rocket", inputTokens: 1, outputTokens: 1) { currency } }',
    )
    assert error_of(estimate)["type"] == "not_found"


CHEAPEST = """query($org: String!, $name: String!, $ratio: Float!) {
  model(org: $org, name: $name) {
    providers { providerId inputPricePerM outputPricePerM }
    cheapestProvider(inputOutputRatio: $ratio) { providerId blendedPrice(inputOutputRatio: $ratio) }
  }
}"""


@pytest.mark.parametrize("ratio", [3.0, 0.1, 10.0])
async def test_cheapest_provider(client, ratio):
    listing = await must(
        client, "{ models(first: 100) { nodes { canonicalName providers { providerId } } } }"
    )
    multi = [m["canonicalName"] for m in listing["models"]["nodes"] if len(m["providers"]) >= 2]
    assert len(multi) >= 3
    for canonical in multi:
        org, name = canonical.split("/")
        model = (await must(client, CHEAPEST, {"org": org, "name": name, "ratio": ratio}))["model"]
        blended = {
            p["providerId"]: blended_price(p["inputPricePerM"], p["outputPricePerM"], ratio)
            for p in model["providers"]
        }
        best = min((v, k) for k, v in blended.items() if v is not None)
        assert model["cheapestProvider"]["providerId"] == best[1], canonical
        assert model["cheapestProvider"]["blendedPrice"] == pytest.approx(best[0])


async def test_cheapest_provider_validates_ratio_and_handles_no_prices(client):
    bad = await gql(client, CHEAPEST, {"org": "meta", "name": "llama-3-1-8b", "ratio": 0})
    assert error_of(bad)["type"] == "validation_error"
    assert error_of(bad)["errors"][0]["loc"] == ["inputOutputRatio"]
    listing = await must(
        client,
        "{ models(first: 100) { nodes { canonicalName providers { providerId } cheapestProvider { providerId } } } }",
    )
    unpriced = [m for m in listing["models"]["nodes"] if not m["providers"]]
    assert unpriced and all(m["cheapestProvider"] is None for m in unpriced)


ESTIMATE = """query($model: ID, $org: String, $name: String, $i: BigInt!, $o: BigInt!) {
  estimateCost(model: $model, org: $org, name: $name, inputTokens: $i, outputTokens: $o) {
    currency inputTokens outputTokens model { canonicalName }
    providers { providerId inputCost outputCost totalCost
                pricing { inputPricePerM outputPricePerM } }
  }
}"""


async def test_estimate_cost_arithmetic_and_order(client):
    variables = {"org": "meta", "name": "llama-3-1-70b-instruct", "i": 2_000_000, "o": 500_000}
    data = (await must(client, ESTIMATE, variables))["estimateCost"]
    assert (
        data["currency"] == "USD"
        and data["model"]["canonicalName"] == variables["org"] + "/" + variables["name"]
    )
    assert (data["inputTokens"], data["outputTokens"]) == (2_000_000, 500_000)
    assert len(data["providers"]) >= 2
    for row in data["providers"]:
        price = row["pricing"]
        assert row["inputCost"] == pytest.approx(2 * price["inputPricePerM"])
        assert row["outputCost"] == pytest.approx(0.5 * price["outputPricePerM"])
        assert row["totalCost"] == pytest.approx(row["inputCost"] + row["outputCost"])
    totals = [row["totalCost"] for row in data["providers"]]
    assert totals == sorted(totals)
    # The same by global id; BigInt token counts beyond 32 bits.
    listing = await must(client, '{ model(org: "meta", name: "llama-3-1-70b-instruct") { id } }')
    big = {"model": listing["model"]["id"], "i": 10**12, "o": 0}
    by_id = (await must(client, ESTIMATE, big))["estimateCost"]
    assert by_id["inputTokens"] == 10**12
    for row in by_id["providers"]:
        assert row["totalCost"] == pytest.approx(10**6 * row["pricing"]["inputPricePerM"])


async def test_estimate_cost_validates_input(client):
    negative = await gql(
        client, ESTIMATE, {"org": "meta", "name": "llama-3-1-8b", "i": -1, "o": -5}
    )
    assert error_of(negative)["type"] == "validation_error"
    assert {tuple(e["loc"]) for e in error_of(negative)["errors"]} == {
        ("inputTokens",), ("outputTokens",),
    }  # fmt: skip
    neither = await gql(client, ESTIMATE, {"i": 1, "o": 1})
    assert error_of(neither)["type"] == "validation_error"
    both = await gql(
        client,
        ESTIMATE,
        {"model": to_global_id("Model", 1), "org": "meta", "name": "x", "i": 1, "o": 1},
    )
    assert error_of(both)["type"] == "validation_error"
    missing = await gql(client, ESTIMATE, {"org": "meta", "name": "no-such-model", "i": 1, "o": 1})
    assert error_of(missing)["type"] == "not_found"
    assert "meta/no-such-model" in error_of(missing)["detail"]
    wrong_type = await gql(client, ESTIMATE, {"model": to_global_id("Provider", 1), "i": 1, "o": 1})
    assert error_of(wrong_type)["type"] == "not_found"
