"""Analytics queries run a fixed number of SQL statements, whatever the number of rows."""

from app.graphql.types.node import to_global_id
from tests.analytics_support import plant
from tests.conftest import client_for, count_statements, gql

DASHBOARD = """
query($first: Int!, $ids: [ID!]!) {
  models(first: $first, filter: {organization: "plant-small"}) { edges { node {
    canonicalName
    cheapestProvider { providerId blendedPrice provider { slug } }
    priceHistory(first: 5) { totalCount nodes { providerId inputPricePerM validFrom validTo } }
  } } }
  big: models(first: $first, filter: {organization: "plant-big"}) { edges { node {
    canonicalName
    cheapestProvider { providerId blendedPrice provider { slug } }
    priceHistory(first: 5) { totalCount nodes { providerId inputPricePerM validFrom validTo } }
  } } }
  scoreConflicts(margin: 5, first: $first) { totalCount edges { node {
    spread model { canonicalName } benchmark { slug }
    scores { source normalizedScore model { canonicalName } }
  } } }
  frontier(benchmark: "mmlu", first: $first) { totalCount edges { node {
    blendedPrice model { canonicalName } cheapestProvider { providerId provider { slug } }
    score { score benchmark { slug } }
  } } }
  leaderboard(benchmark: "mmlu", filter: {maxBlendedPricePerM: 100}, first: $first) {
    totalCount edges { node { rank model { canonicalName cheapestProvider { providerId } } } }
  }
  compareModels(ids: $ids) {
    benchmarks models { canonicalName } rows { values deltas scores { score source } }
  }
}
"""


async def _measure(engine, first, ids):
    async with client_for(engine) as http:
        with count_statements(engine) as counter:
            body = await gql(http, DASHBOARD, {"first": first, "ids": ids})
    assert "errors" not in body, body["errors"]
    return counter.count, body["data"]


async def test_dashboard_statement_count_is_constant(fresh_engine):
    small = await plant(fresh_engine, "small", 3)
    count_small, data_small = await _measure(
        fresh_engine, 3, [to_global_id("Model", pk) for pk in small[:2]]
    )
    assert len(data_small["scoreConflicts"]["edges"]) == 3
    assert len(data_small["models"]["edges"]) == 3 and not data_small["big"]["edges"]

    big = await plant(fresh_engine, "big", 60)
    count_big, data_big = await _measure(
        fresh_engine, 50, [to_global_id("Model", pk) for pk in big[:20]]
    )
    # The big pages really are big: every list returns many rows.
    assert len(data_big["scoreConflicts"]["edges"]) == 50
    assert data_big["scoreConflicts"]["totalCount"] == 63
    assert len(data_big["frontier"]["edges"]) >= 50
    assert len(data_big["big"]["edges"]) == 50
    assert all(n["node"]["priceHistory"]["totalCount"] == 3 for n in data_big["big"]["edges"])
    assert len(data_big["compareModels"]["models"]) == 20
    assert len(data_big["leaderboard"]["edges"]) == 50

    dialect = fresh_engine.dialect.name
    assert count_small == count_big, f"statement counts on {dialect}: {count_small} {count_big}"
    print(f"\nanalytics statement counts on {dialect}: {count_small}, {count_big}")
