"""BigInt: values above 2^31 (parameter counts, file sizes) come back exact, both ways."""

import json

import pytest

from app.settings import PROJECT_ROOT
from tests.conftest import gql

SEEDS = PROJECT_ROOT / "seeds"
MODELS = json.loads((SEEDS / "models.json").read_text())
REGISTRY = json.loads((SEEDS / "registry.json").read_text())


async def test_param_counts_are_exact(client):
    body = await gql(
        client, "{ models(first: 100) { edges { node { canonicalName paramCount } } } }"
    )
    got = {
        e["node"]["canonicalName"]: e["node"]["paramCount"] for e in body["data"]["models"]["edges"]
    }
    expected = {f"{m['organization']}/{m['slug']}": m.get("param_count") for m in MODELS}
    assert got == expected
    assert max(v for v in got.values() if v) >= 70_000_000_000


async def test_file_sizes_are_exact(client):
    query = """query($org: String!, $name: String!) { model(org: $org, name: $name) {
      versions(first: 100, status: [ACTIVE, INACTIVE, DELETED]) {
        edges { node { version fileSizeBytes files { path sizeBytes } } } } } }"""
    biggest = 0
    for entry in REGISTRY:
        org, name = entry["model"].split("/")
        body = await gql(client, query, {"org": org, "name": name})
        nodes = {
            e["node"]["version"]: e["node"] for e in body["data"]["model"]["versions"]["edges"]
        }
        for seeded in entry["versions"]:
            node = nodes[seeded["version"]]
            files = {f["path"]: f["size_bytes"] for f in seeded.get("files") or []}
            assert {f["path"]: f["sizeBytes"] for f in node["files"]} == files
            assert node["fileSizeBytes"] == sum(files.values())
            biggest = max(biggest, *files.values(), 0)
    assert biggest > 4 * 2**30


@pytest.mark.parametrize("bound", ["70000000000", 70000000000])
async def test_bigint_input_accepts_numbers_and_decimal_strings(client, bound):
    query = """query($min: BigInt) { models(first: 100, filter: {paramCount: {min: $min}}) {
      totalCount edges { node { paramCount } } } }"""
    body = await gql(client, query, {"min": bound})
    assert "errors" not in body, body["errors"]
    counts = [e["node"]["paramCount"] for e in body["data"]["models"]["edges"]]
    expected = [m["param_count"] for m in MODELS if (m.get("param_count") or 0) >= 70_000_000_000]
    assert sorted(counts) == sorted(expected) and len(counts) > 0
    inline = await gql(
        client, '{ models(filter: {paramCount: {min: "70000000000"}}) { totalCount } }'
    )
    assert inline["data"]["models"]["totalCount"] == len(expected)


@pytest.mark.parametrize("bad", ["7e10", "12.5", "abc", 12.5, True, "9223372036854775808"])
async def test_bad_bigint_input_is_a_client_error(client, bad):
    query = "query($min: BigInt) { models(filter: {paramCount: {min: $min}}) { totalCount } }"
    response = await client.post("/graphql", json={"query": query, "variables": {"min": bad}})
    assert response.status_code < 500
    ext = response.json()["errors"][0]["extensions"]
    assert ext["type"] in {"invalid_request", "validation_error"}, ext
