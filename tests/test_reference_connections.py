"""Root connections of reference data walk completely and match totalCount."""

import pytest

from tests.conftest import gql


@pytest.mark.parametrize(
    "field", ["organizations", "benchmarks", "providers", "licenses", "families"]
)
async def test_walk_reference_connection(client, field):
    seen, after = [], None
    while True:
        body = await gql(
            client,
            f"query($after: String) {{ {field}(first: 3, after: $after) {{ totalCount "
            "pageInfo { hasNextPage endCursor } edges { node { id slug name } } } }",
            {"after": after},
        )
        assert "errors" not in body, body
        page = body["data"][field]
        seen += [edge["node"]["slug"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"] > 0
