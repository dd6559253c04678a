"""Score provenance: `scores` filtered by source and kind, and `scoreConflicts`."""

from tests.access_support import Tokens
from tests.conftest import gql
from tests.test_publish import create_model, error_of

RECORD = "mutation($input: [ScoreInput!]!) { recordScores(input: $input) { id } }"
CONFLICTS = """
query($margin: Float!, $benchmark: String, $first: Int, $after: String) {
  scoreConflicts(margin: $margin, benchmark: $benchmark, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      spread highest lowest sourceCount
      model { canonicalName } benchmark { slug }
      scores { source kind normalizedScore sourceUrl }
    } }
  }
}
"""


def score(name, benchmark, value, source, kind, **extra):
    return {
        "org": "acme", "name": name, "benchmark": benchmark, "score": value, "source": source,
        "kind": kind, "sourceUrl": f"https://example.org/{source}", **extra,
    }  # fmt: skip


async def plant_scores(client, tokens, name="rocket", public=True):
    await create_model(client, tokens.acme_writer, slug=name, public=public)
    rows = [
        score(name, "mmlu", 80.0, "lab", "SELF_REPORTED", scoredAt="2024-05-01T00:00:00Z"),
        score(name, "mmlu", 60.0, "evals", "THIRD_PARTY", uncertainty=1.5),
        score(name, "gpqa", 50.0, "lab", "SELF_REPORTED"),
        score(name, "gpqa", 51.0, "evals", "VERIFIED"),
    ]
    body = await gql(client, RECORD, {"input": rows}, Tokens.header(tokens.acme_writer))
    assert "errors" not in body, body


def pairs(body):
    return {
        (e["node"]["model"]["canonicalName"], e["node"]["benchmark"]["slug"])
        for e in body["data"]["scoreConflicts"]["edges"]
    }


async def test_scores_carry_provenance_and_filter_by_source_and_kind(write_client, tokens):
    await plant_scores(write_client, tokens)
    query = """query($f: ScoreFilter) { model(org: "acme", name: "rocket") {
        scores(filter: $f) { totalCount nodes {
          benchmarkId score source kind sourceUrl uncertainty scoredAt isSelfReported } } } }"""

    async def scores(f):
        body = await gql(write_client, query, {"f": f})
        assert "errors" not in body, body
        return body["data"]["model"]["scores"]

    everything = await scores(None)
    assert everything["totalCount"] == 4
    third = await scores({"kind": "THIRD_PARTY"})
    assert third["totalCount"] == 1
    assert third["nodes"][0] == {
        "benchmarkId": "mmlu", "score": 60.0, "source": "evals", "kind": "THIRD_PARTY",
        "sourceUrl": "https://example.org/evals", "uncertainty": 1.5, "scoredAt": None,
        "isSelfReported": False,
    }  # fmt: skip
    lab = await scores({"source": "lab"})
    assert {n["benchmarkId"] for n in lab["nodes"]} == {"mmlu", "gpqa"}
    assert all(n["source"] == "lab" for n in lab["nodes"])
    mmlu_lab = await scores({"source": "lab", "benchmark": "mmlu"})
    assert [n["scoredAt"] for n in mmlu_lab["nodes"]] == ["2024-05-01T00:00:00+00:00"]
    assert (await scores({"source": "nobody"}))["totalCount"] == 0


async def test_score_conflicts_find_planted_disagreement_only(write_client, tokens):
    await plant_scores(write_client, tokens)
    body = await gql(write_client, CONFLICTS, {"margin": 10})
    assert "errors" not in body, body
    # The demo catalog has a single source per pair: only the planted disagreement shows.
    assert pairs(body) == {("acme/rocket", "mmlu")}
    node = body["data"]["scoreConflicts"]["edges"][0]["node"]
    assert (node["spread"], node["highest"], node["lowest"], node["sourceCount"]) == (
        20.0, 80.0, 60.0, 2,
    )  # fmt: skip
    assert [(s["source"], s["normalizedScore"]) for s in node["scores"]] == [
        ("lab", 80.0), ("evals", 60.0),
    ]  # fmt: skip
    # A one-point disagreement counts only under a smaller margin; the margin is strict.
    small = await gql(write_client, CONFLICTS, {"margin": 0.5})
    assert pairs(small) == {("acme/rocket", "mmlu"), ("acme/rocket", "gpqa")}
    assert [e["node"]["spread"] for e in small["data"]["scoreConflicts"]["edges"]] == [20.0, 1.0]
    assert pairs(await gql(write_client, CONFLICTS, {"margin": 20})) == set()
    only = await gql(write_client, CONFLICTS, {"margin": 0.5, "benchmark": "gpqa"})
    assert pairs(only) == {("acme/rocket", "gpqa")}
    assert only["data"]["scoreConflicts"]["totalCount"] == 1


async def test_score_conflicts_paginate(write_client, tokens):
    await plant_scores(write_client, tokens)
    await plant_scores(write_client, tokens, name="sled")
    seen = []
    after = None
    while True:
        body = await gql(write_client, CONFLICTS, {"margin": 0.5, "first": 1, "after": after})
        assert "errors" not in body, body
        data = body["data"]["scoreConflicts"]
        assert data["totalCount"] == 4
        seen.extend(pairs(body))
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(
        {(f"acme/{m}", b) for m in ("rocket", "sled") for b in ("mmlu", "gpqa")}
    )
    assert len(seen) == 4


async def test_score_conflicts_respect_visibility(write_client, tokens):
    await plant_scores(write_client, tokens, name="hidden", public=False)
    anonymous = await gql(write_client, CONFLICTS, {"margin": 10})
    assert pairs(anonymous) == set()
    assert anonymous["data"]["scoreConflicts"]["totalCount"] == 0
    other = await gql(write_client, CONFLICTS, {"margin": 10}, Tokens.header(tokens.globex_writer))
    assert pairs(other) == set()
    own = await gql(write_client, CONFLICTS, {"margin": 10}, Tokens.header(tokens.acme_reader))
    assert pairs(own) == {("acme/hidden", "mmlu")}


async def test_score_conflicts_validate_input(client):
    negative = await gql(client, CONFLICTS, {"margin": -1})
    assert error_of(negative)["type"] == "validation_error"
    assert error_of(negative)["errors"][0]["loc"] == ["margin"]
    unknown = await gql(client, CONFLICTS, {"margin": 1, "benchmark": "no-such-bench"})
    assert error_of(unknown)["type"] == "not_found"
    assert "no-such-bench" in error_of(unknown)["detail"]
    bad_cursor = await gql(client, CONFLICTS, {"margin": 1, "after": "bm90LWEtY3Vyc29y"})
    assert error_of(bad_cursor)["type"] == "invalid_request"


async def test_top_scores_keep_the_best_score_per_benchmark(write_client, tokens):
    await plant_scores(write_client, tokens)
    body = await gql(
        write_client,
        '{ model(org: "acme", name: "rocket") { topScores(limit: 10) { benchmarkId score source } } }',
    )
    assert body["data"]["model"]["topScores"] == [
        {"benchmarkId": "mmlu", "score": 80.0, "source": "lab"},
        {"benchmarkId": "gpqa", "score": 51.0, "source": "evals"},
    ]
