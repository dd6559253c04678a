"""Dashboard analytics: leaderboard filters, the price/score frontier, compareModels."""

import pytest

from app.graphql.types.node import from_global_id, to_global_id
from app.services.pricing import blended_price
from tests.access_support import Tokens
from tests.analytics_support import brute_force_frontier, cheapest_blended
from tests.conftest import gql
from tests.test_publish import create_model, error_of

BOARD = """query($b: String!, $f: LeaderboardFilter) {
  leaderboard(benchmark: $b, filter: $f, first: 100) {
    totalCount
    nodes { rank normalizedScore model {
      id canonicalName openWeight organization { slug } license { allowCommercial }
      providers { providerId inputPricePerM outputPricePerM } } }
  }
}"""


async def must(client, query, variables=None, headers=None):
    body = await gql(client, query, variables, headers)
    assert "errors" not in body, body
    return body["data"]


async def board(client, benchmark="mmlu", f=None):
    data = (await must(client, BOARD, {"b": benchmark, "f": f}))["leaderboard"]
    assert data["totalCount"] == len(data["nodes"])
    return data["nodes"]


def competition_ranks(values):
    return [1 + sum(other > value for other in values) for value in values]


async def test_leaderboard_filters(client):
    everything = await board(client)
    assert len(everything) >= 10
    ranks = [n["rank"] for n in everything]
    assert ranks == competition_ranks([n["normalizedScore"] for n in everything])

    def names(nodes):
        return [n["model"]["canonicalName"] for n in nodes]

    cases = [
        ({"openWeight": True}, lambda m: m["openWeight"]),
        ({"openWeight": False}, lambda m: not m["openWeight"]),
        ({"allowCommercial": True}, lambda m: (m["license"] or {}).get("allowCommercial")),
        ({"organization": "meta"}, lambda m: m["organization"]["slug"] == "meta"),
        (
            {"maxBlendedPricePerM": 1.0},
            lambda m: (cheapest_blended(m["providers"]) or 1e9) <= 1.0,
        ),
        (
            {"maxBlendedPricePerM": 1.0, "inputOutputRatio": 0.2},
            lambda m: (cheapest_blended(m["providers"], 0.2) or 1e9) <= 1.0,
        ),
        (
            {"maxInputPricePerM": 0.5},
            lambda m: any((p["inputPricePerM"] or 1e9) <= 0.5 for p in m["providers"]),
        ),
    ]
    narrowed = 0
    for f, keep in cases:
        filtered = await board(client, f=f)
        expected = [n for n in everything if keep(n["model"])]
        assert names(filtered) == names(expected), f
        assert filtered, f
        narrowed += len(filtered) < len(everything)
        # Ranks are recomputed within the filtered board; ties still share a rank.
        scores = [n["normalizedScore"] for n in filtered]
        assert [n["rank"] for n in filtered] == competition_ranks(scores), f
    # (Every mmlu-scored demo model happens to allow commercial use.)
    assert narrowed == len(cases) - 1
    no_commercial = await board(client, f={"allowCommercial": False})
    assert all(not (n["model"]["license"] or {}).get("allowCommercial") for n in no_commercial)


async def test_leaderboard_filter_validation(client):
    bad = await gql(
        client, BOARD, {"b": "mmlu", "f": {"maxBlendedPricePerM": -1, "inputOutputRatio": 0}}
    )
    assert error_of(bad)["type"] == "validation_error"
    assert {tuple(e["loc"]) for e in error_of(bad)["errors"]} == {
        ("filter", "maxBlendedPricePerM"),
        ("filter", "inputOutputRatio"),
    }


FRONTIER = """query($b: String!, $r: Float!, $f: LeaderboardFilter, $first: Int, $after: String) {
  frontier(benchmark: $b, inputOutputRatio: $r, filter: $f, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { blendedPrice normalizedScore model { id canonicalName }
            score { normalizedScore benchmarkId } cheapestProvider { providerId } }
  }
}"""


@pytest.mark.parametrize(
    ("benchmark", "ratio"), [("mmlu", 3.0), ("mmlu", 0.25), ("gpqa", 3.0), ("humaneval", 1.0)]
)
async def test_frontier_equals_brute_force_over_the_demo(client, benchmark, ratio):
    everything = await board(client, benchmark)
    points = []
    for node in everything:
        price = cheapest_blended(node["model"]["providers"], ratio)
        if price is not None:
            pk = from_global_id(node["model"]["id"])[1]
            points.append((price, node["normalizedScore"], pk))
    expected = brute_force_frontier(points)
    assert len(expected) >= 2
    data = (await must(client, FRONTIER, {"b": benchmark, "r": ratio, "first": 100}))["frontier"]
    got = [from_global_id(n["model"]["id"])[1] for n in data["nodes"]]
    assert got == expected
    assert data["totalCount"] == len(expected)
    prices = [n["blendedPrice"] for n in data["nodes"]]
    scores = [n["normalizedScore"] for n in data["nodes"]]
    assert prices == sorted(prices) and scores == sorted(scores)
    assert all(n["score"]["benchmarkId"] == benchmark for n in data["nodes"])
    by_pk = {p[2]: p[0] for p in points}
    assert prices == pytest.approx([by_pk[pk] for pk in got])


async def test_frontier_pages_and_filters(client):
    whole = (await must(client, FRONTIER, {"b": "mmlu", "r": 3.0, "first": 100}))["frontier"]
    seen, after = [], None
    while True:
        variables = {"b": "mmlu", "r": 3.0, "first": 2, "after": after}
        page = (await must(client, FRONTIER, variables))["frontier"]
        seen.extend(n["model"]["canonicalName"] for n in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [n["model"]["canonicalName"] for n in whole["nodes"]]
    backwards = """query($before: String) { frontier(benchmark: "mmlu", last: 2, before: $before) {
        pageInfo { hasPreviousPage startCursor } nodes { model { canonicalName } } } }"""
    tail = (await must(client, backwards))["frontier"]
    assert [n["model"]["canonicalName"] for n in tail["nodes"]] == seen[-2:]
    assert tail["pageInfo"]["hasPreviousPage"] == (len(seen) > 2)
    before = await must(client, backwards, {"before": tail["pageInfo"]["startCursor"]})
    assert [n["model"]["canonicalName"] for n in before["frontier"]["nodes"]] == seen[-4:-2]
    open_only = await must(client, FRONTIER, {"b": "mmlu", "r": 3.0, "f": {"openWeight": True}})
    open_board = await board(client, f={"openWeight": True})
    open_names = {n["model"]["canonicalName"] for n in open_board}
    assert {n["model"]["canonicalName"] for n in open_only["frontier"]["nodes"]} <= open_names
    bad = await gql(client, FRONTIER, {"b": "mmlu", "r": -1.0})
    assert error_of(bad)["type"] == "validation_error"
    unknown = await gql(client, FRONTIER, {"b": "no-such", "r": 3.0})
    assert error_of(unknown)["type"] == "not_found"


COMPARE = """query($ids: [ID!]!, $b: [String!]) {
  compareModels(ids: $ids, benchmarks: $b) {
    models { canonicalName }
    benchmarks
    rows { benchmarkId benchmarkName values deltas scores { normalizedScore benchmarkId } }
  }
}"""


async def model_ids(client, *names):
    ids = []
    for canonical in names:
        org, name = canonical.split("/")
        data = await must(
            client, "query($o: String!, $n: String!) { model(org: $o, name: $n) { id } }",
            {"o": org, "n": name},
        )  # fmt: skip
        ids.append(data["model"]["id"])
    return ids


async def best_scores(client, canonical):
    org, name = canonical.split("/")
    data = await must(
        client,
        "query($o: String!, $n: String!) { model(org: $o, name: $n) { topScores(limit: 100) { benchmarkId normalizedScore score } } }",
        {"o": org, "n": name},
    )
    return {
        s["benchmarkId"]: s["normalizedScore"] if s["normalizedScore"] is not None else s["score"]
        for s in data["model"]["topScores"]
    }


async def test_compare_models_aligns_and_computes_deltas(client):
    names = ["openai/gpt-4o", "meta/llama-3-1-70b-instruct", "anthropic/claude-3-5-sonnet"]
    ids = await model_ids(client, *names)
    data = (await must(client, COMPARE, {"ids": ids}))["compareModels"]
    assert [m["canonicalName"] for m in data["models"]] == names
    expected = [await best_scores(client, name) for name in names]
    union = sorted(set().union(*expected))
    assert data["benchmarks"] == union == [r["benchmarkId"] for r in data["rows"]]
    for row in data["rows"]:
        values = [e.get(row["benchmarkId"]) for e in expected]
        assert row["values"] == values
        first = values[0]
        assert row["deltas"] == [
            None if first is None or v is None else pytest.approx(v - first) for v in values
        ]
        assert [s and s["normalizedScore"] for s in row["scores"]] == [
            v if v is not None else None for v in values
        ]
    assert any(None in row["values"] for row in data["rows"])
    # Asked benchmarks come in the order asked, even one nobody is scored on.
    asked = ["gpqa", "mmlu", "lmarena-elo"]
    chosen = (await must(client, COMPARE, {"ids": ids[::-1], "b": asked}))["compareModels"]
    assert [r["benchmarkId"] for r in chosen["rows"]] == asked
    assert [m["canonicalName"] for m in chosen["models"]] == names[::-1]
    mmlu = chosen["rows"][1]
    assert mmlu["values"] == [e.get("mmlu") for e in expected[::-1]]
    assert mmlu["deltas"][0] == 0.0


async def test_compare_models_validates_and_names_missing(client):
    ids = await model_ids(client, "openai/gpt-4o", "meta/llama-3-1-8b")
    ghost = to_global_id("Model", 987654)
    missing = await gql(client, COMPARE, {"ids": [ids[0], ghost]})
    assert error_of(missing)["type"] == "not_found"
    assert ghost in error_of(missing)["detail"] and ids[0] not in error_of(missing)["detail"]
    assert missing["data"] is None or missing["data"]["compareModels"] is None
    unknown = await gql(client, COMPARE, {"ids": ids, "b": ["mmlu", "no-such-bench"]})
    assert error_of(unknown)["type"] == "not_found"
    assert "no-such-bench" in error_of(unknown)["detail"]
    too_many = await gql(client, COMPARE, {"ids": [to_global_id("Model", i) for i in range(21)]})
    assert error_of(too_many)["type"] == "validation_error"
    empty = await gql(client, COMPARE, {"ids": []})
    assert error_of(empty)["type"] == "validation_error"
    duplicate = await gql(client, COMPARE, {"ids": [ids[0], ids[0]]})
    assert error_of(duplicate)["type"] == "validation_error"
    malformed = await gql(client, COMPARE, {"ids": ["not base64!"]})
    assert error_of(malformed)["type"] == "invalid_request"


async def test_private_models_never_appear(write_client, tokens):
    await create_model(write_client, tokens.acme_writer, slug="secret", public=False)
    writer = Tokens.header(tokens.acme_writer)
    await must(
        write_client,
        """mutation { recordScores(input: [{org: "acme", name: "secret", benchmark: "mmlu",
             score: 99.9, sourceUrl: "https://example.org/s"}]) { id } }""",
        headers=writer,
    )
    await must(
        write_client,
        """mutation { setPricing(input: {provider: "openai", org: "acme", name: "secret",
             inputPricePerM: 0.000001, outputPricePerM: 0.000001}) { providerId } }""",
        headers=writer,
    )
    reader = Tokens.header(tokens.acme_reader)
    secret_id = (
        await must(write_client, '{ model(org: "acme", name: "secret") { id } }', headers=reader)
    )["model"]["id"]

    def has_secret(data):
        return "acme/secret" in str(data)

    for headers in (None, Tokens.header(tokens.globex_writer)):
        top = await must(write_client, BOARD, {"b": "mmlu"}, headers)
        assert not has_secret(top)
        front = await must(write_client, FRONTIER, {"b": "mmlu", "r": 3.0}, headers)
        assert not has_secret(front)
        hidden = await gql(write_client, COMPARE, {"ids": [secret_id]}, headers)
        assert error_of(hidden)["type"] == "not_found"
    # Its own organization sees it everywhere: cheapest and best, it leads both.
    top = await must(write_client, BOARD, {"b": "mmlu"}, reader)
    assert top["leaderboard"]["nodes"][0]["model"]["canonicalName"] == "acme/secret"
    front = await must(write_client, FRONTIER, {"b": "mmlu", "r": 3.0}, reader)
    assert [n["model"]["canonicalName"] for n in front["frontier"]["nodes"]] == ["acme/secret"]
    own = await must(write_client, COMPARE, {"ids": [secret_id]}, reader)
    assert own["compareModels"]["rows"][0]["values"] == [99.9]


async def test_blended_price_on_pricing(client):
    data = await must(
        client,
        """{ model(org: "openai", name: "gpt-4o") { providers {
             inputPricePerM outputPricePerM blendedPrice b1: blendedPrice(inputOutputRatio: 1) } } }""",
    )
    for p in data["model"]["providers"]:
        assert p["blendedPrice"] == pytest.approx(
            blended_price(p["inputPricePerM"], p["outputPricePerM"])
        )
        assert p["b1"] == pytest.approx((p["inputPricePerM"] + p["outputPricePerM"]) / 2)


async def test_leaderboard_ranks_one_source_or_kind_when_asked(write_client, tokens):
    """By default a model's best score from any source ranks it; `source`/`kind` narrow that."""
    from tests.test_catalog_mutations import RECORD

    writer = Tokens.header(tokens.acme_writer)
    for slug in ("rocket", "comet"):
        await create_model(write_client, tokens.acme_writer, slug)
    planted = [  # (model, source, kind, score on mmlu's 0-100 scale)
        ("rocket", "alpha", "SELF_REPORTED", 90.0),
        ("rocket", "beta", "SELF_REPORTED", 60.0),
        ("comet", "alpha", "SELF_REPORTED", 70.0),
        ("comet", "beta", "THIRD_PARTY", 80.0),
    ]
    rows = [
        {
            "org": "acme",
            "name": m,
            "benchmark": "mmlu",
            "score": s,
            "maxScore": 100.0,
            "source": src,
            "kind": kind,
        }
        for m, src, kind, s in planted
    ]
    await must(write_client, RECORD, {"input": rows}, writer)

    async def ranking(**narrow):
        nodes = await board(write_client, "mmlu", {"organization": "acme", **narrow})
        return [(n["model"]["canonicalName"], n["normalizedScore"], n["rank"]) for n in nodes]

    assert await ranking() == [("acme/rocket", 90.0, 1), ("acme/comet", 80.0, 2)]
    assert await ranking(source="beta") == [("acme/comet", 80.0, 1), ("acme/rocket", 60.0, 2)]
    assert await ranking(source="alpha") == [("acme/rocket", 90.0, 1), ("acme/comet", 70.0, 2)]
    assert await ranking(kind="THIRD_PARTY") == [("acme/comet", 80.0, 1)]
    assert await ranking(source="nobody") == []
