"""What the catalog itself says it holds (GraphQL counts), and exports read back, for the
bulk-export tests (demo catalog and the full imported data)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import httpx

from app.services.export_format import COLUMNS, KINDS
from tests.conftest import gql

MODEL_COUNTS = """query($after: String) {
  models(first: 100, after: $after) {
    totalCount
    nodes { versions(first: 1) { totalCount } scores(first: 1) { totalCount } }
    pageInfo { hasNextPage endCursor }
  }
}"""
PRICE_COUNTS = """query($after: String) {
  providers(first: 100, after: $after) {
    nodes { pricing(first: 1) { totalCount } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _walk(client: httpx.AsyncClient, query: str, root: str, headers: dict[str, str]):
    after = None
    while True:
        body = await gql(client, query, {"after": after}, headers)
        assert "errors" not in body, body
        connection = body["data"][root]
        yield connection
        if not connection["pageInfo"]["hasNextPage"]:
            return
        after = connection["pageInfo"]["endCursor"]


async def catalog_counts(
    client: httpx.AsyncClient, headers: dict[str, str] | None = None
) -> dict[str, int]:
    """Rows of each kind the viewer can see, as the GraphQL API counts them."""
    counts = dict.fromkeys(KINDS, 0)
    async for page in _walk(client, MODEL_COUNTS, "models", headers or {}):
        counts["models"] = page["totalCount"]
        for node in page["nodes"]:
            counts["versions"] += node["versions"]["totalCount"]
            counts["scores"] += node["scores"]["totalCount"]
    async for page in _walk(client, PRICE_COUNTS, "providers", headers or {}):
        counts["prices"] += sum(node["pricing"]["totalCount"] for node in page["nodes"])
    return counts


def read_rows(kind: str, format_: str, text: str) -> list[dict[str, Any]]:
    """An export's rows; checks its columns are the documented ones."""
    if format_ == "csv":
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = list(reader)
        assert tuple(reader.fieldnames or ()) == COLUMNS[kind]
        return rows
    rows = [json.loads(line) for line in text.splitlines()]
    assert all(tuple(row) == COLUMNS[kind] for row in rows)
    return rows


async def export(
    client: httpx.AsyncClient,
    kind: str,
    format_: str,
    headers: dict[str, str] | None = None,
    query: str = "",
) -> list[dict[str, Any]]:
    response = await client.get(f"/v1/export/{kind}.{format_}{query}", headers=headers or {})
    assert response.status_code == 200, response.text
    return read_rows(kind, format_, response.text)
