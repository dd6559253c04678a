"""A field that still reads after its response was built (graphql-core does not cancel sibling
fields when a non-null error nulls `data`) gets a session of its own and returns its
connection: no request leaves one checked out (found by tests/test_fuzz_graphql.py)."""

import asyncio

from tests.conftest import gql

QUERY = """{
  models(first: 1, last: 1) { totalCount }
  model(org: "meta", name: "llama-chat-8b") { name topScores(limit: 3) { score } }
  organizations(first: 5) { nodes { name models(first: 3) { nodes { name } } } }
}"""


async def test_no_connection_is_left_checked_out(client, seeded_engine) -> None:
    pool = seeded_engine.sync_engine.pool
    for _ in range(10):
        body = await gql(client, QUERY)
        assert body["data"] is None  # `models` is non-null: its error nulls the whole answer
        assert body["errors"][0]["extensions"]["type"] == "invalid_request"
    for _ in range(50):
        if pool.checkedout() == 0:
            break
        await asyncio.sleep(0.02)
    assert pool.checkedout() == 0
