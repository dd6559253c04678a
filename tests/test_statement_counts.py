"""A deep query runs a fixed number of SQL statements, whatever the page size or data volume."""

from sqlalchemy import func, select, update

from app.db.tables import ModelRow, ModelVersionRow
from tests.conftest import client_for, count_statements, gql
from tests.factories import add_catalog

DEEP = """
query Deep($first: Int!) {
  models(first: $first, orderBy: {field: DOWNLOADS, direction: DESC}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id canonicalName paramCount
      organization { slug name }
      license { name allowCommercial }
      family { name }
      latestVersion { version files { path oid sizeBytes } metrics }
      scores(first: 5) { totalCount edges { node { score normalizedScore benchmark { slug } } } }
      providers { providerName inputPricePerM provider { slug name } }
      versions(first: 5) { totalCount edges { node { version files { oid } metrics aliases } } }
      topScores(limit: 3) { benchmarkName score }
    } }
  }
}
"""


async def _measure(engine, first: int) -> tuple[int, dict]:
    async with client_for(engine) as http:
        with count_statements(engine) as counter:
            body = await gql(http, DEEP, {"first": first})
    assert "errors" not in body, body["errors"]
    return counter.count, body["data"]["models"]


def _nodes(data: dict) -> list[dict]:
    return [edge["node"] for edge in data["edges"]]


async def test_deep_query_statement_count_is_constant(fresh_engine):
    # The demo's download counts are all 0: make its versioned models lead, so
    # that even a page of 5 loads versions, files, metrics and aliases.
    async with fresh_engine.begin() as connection:
        await connection.execute(
            update(ModelRow)
            .where(ModelRow.id.in_(select(ModelVersionRow.model_id)))
            .values(download_count=1)
        )
    counts: dict[str, int] = {}
    counts["demo/5"], page5 = await _measure(fresh_engine, 5)
    counts["demo/50"], page50 = await _measure(fresh_engine, 50)
    assert len(page5["edges"]) == 5
    assert all(n["versions"]["edges"] for n in _nodes(page5))
    assert len(page50["edges"]) == page50["totalCount"] > 5

    added = await add_catalog(fresh_engine, organizations=80, models_per_org=5)
    async with fresh_engine.connect() as connection:
        total = await connection.scalar(select(func.count()).select_from(ModelRow))
    assert total >= 10 * page50["totalCount"], (total, added)

    counts["10x/5"], big5 = await _measure(fresh_engine, 5)
    assert all(n["canonicalName"].startswith("syn-") for n in _nodes(big5))
    counts["10x/50"], big50 = await _measure(fresh_engine, 50)
    assert len(big50["edges"]) == 50 and big50["totalCount"] == total
    # The big pages really exercise every branch: versions, files, metrics, scores, prices.
    nodes = _nodes(big50)
    assert any(n["versions"]["edges"] and n["latestVersion"]["files"] for n in nodes)
    assert any(n["scores"]["edges"] and n["providers"] and n["topScores"] for n in nodes)

    dialect = fresh_engine.dialect.name
    assert len(set(counts.values())) == 1, f"statement counts on {dialect} vary: {counts}"
    # One statement per loader and connection count: page (with organization, license and
    # family joined), totalCount, latestVersion, files, metrics, scores page + count (with
    # their benchmark joined), providers, provider, versions page + count, aliases, topScores.
    assert counts["demo/5"] == 13, f"statement counts on {dialect}: {counts}"
    print(f"\nstatement counts on {dialect}: {counts}")
