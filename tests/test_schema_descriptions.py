"""A self-describing schema for GraphiQL readers and typed clients.

- graphql-schema-linter (npm, tests/schema_lint/, installed by scripts/install) reports no
  finding of its description rules on the committed schema.graphql;
- every object a mutation returns has an `id` (Apollo's normalized cache needs one), and the
  two that lacked one (`ModelAlias`, `ProviderPricing`) are Relay nodes `node(id:)` refetches,
  under the visibility rule;
- what the server requires is non-null in the schema (`CreateModelInput`).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import get_args

import httpx
from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    get_named_type,
    is_non_null_type,
)

from app.graphql.schema import schema
from app.graphql.types.enums import ModelOrderField
from app.repositories.models import OrderField
from tests.access_support import Tokens
from tests.conftest import gql
from tests.http_support import require_tool
from tests.test_leak_probe import build_private_world

ROOT = Path(__file__).resolve().parents[1]
LINT_DIR = Path(__file__).resolve().parent / "schema_lint"
DESCRIPTION_RULES = [
    "types-have-descriptions",
    "fields-have-descriptions",
    "arguments-have-descriptions",
    "input-object-values-have-descriptions",
    "enum-values-have-descriptions",
]


def test_graphql_schema_linter_finds_no_missing_description() -> None:
    node = require_tool("node", "graphql-schema-linter runs on Node")
    npm = require_tool("npm", "the linter is installed with npm ci")
    linter = LINT_DIR / "node_modules" / "graphql-schema-linter" / "lib" / "cli.js"
    if not linter.exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=LINT_DIR, check=True)
    run = subprocess.run(
        [
            node,
            str(linter),
            "--format",
            "json",
            "--rules",
            ",".join(DESCRIPTION_RULES),
            str(ROOT / "schema.graphql"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    report = json.loads(run.stdout)
    assert report["errors"] == [], json.dumps(report["errors"][:20], indent=2)
    assert run.returncode == 0, run.stderr


def _payload_objects() -> dict[str, list[str]]:
    """Mutation field → the object types it can return."""
    mutation = schema._schema.mutation_type
    assert mutation is not None
    found: dict[str, list[str]] = {}
    for name, field in mutation.fields.items():
        named = get_named_type(field.type)
        if isinstance(named, GraphQLUnionType | GraphQLInterfaceType):
            objects = list(schema._schema.get_possible_types(named))
        else:
            objects = [named]
        found[name] = [o.name for o in objects if isinstance(o, GraphQLObjectType)]
    return found


def test_no_object_returned_by_a_mutation_lacks_an_id() -> None:
    payloads = _payload_objects()
    assert {"setAlias", "setPricing", "createModel", "publishVersion"} <= set(payloads)
    lacking = {
        (mutation, name)
        for mutation, names in payloads.items()
        for name in names
        if "id" not in schema._schema.type_map[name].fields  # type: ignore[union-attr]
        or not is_non_null_type(schema._schema.type_map[name].fields["id"].type)  # type: ignore[union-attr]
    }
    assert lacking == set()
    # A mutation that returns no object answers the id of what it deleted.
    assert all(name.startswith("delete") for name, names in payloads.items() if not names)


def test_required_input_is_non_null_in_the_schema() -> None:
    create = schema._schema.type_map["CreateModelInput"]
    for field in ("name", "organization", "slug", "openWeight", "isPublic"):
        assert is_non_null_type(create.fields[field].type), field  # type: ignore[union-attr]


def test_model_order_field_values_are_the_repositorys_orderings() -> None:
    assert {member.value for member in ModelOrderField} == set(get_args(OrderField))


ALIAS = """mutation($v: String!) { setAlias(org: "acme", name: "secret", alias: "production",
  version: $v) { id name version target { version } } }"""
NODE = """query($id: ID!) { node(id: $id) { id __typename
  ... on ModelAlias { name version }
  ... on ProviderPricing { providerId inputPricePerM validTo } } }"""


async def test_alias_and_pricing_are_nodes_with_stable_ids(
    write_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await build_private_world(write_client, tokens)
    acme = Tokens.header(tokens.acme_writer)
    first = (await gql(write_client, ALIAS, {"v": "1.0.0"}, acme))["data"]["setAlias"]
    moved = (await gql(write_client, ALIAS, {"v": "2.0.0"}, acme))["data"]["setAlias"]
    # The alias moved; its id did not, so a normalized cache updates it in place.
    assert first["id"] == moved["id"] and moved["target"] == {"version": "2.0.0"}
    aliases = await gql(
        write_client,
        '{ model(org: "acme", name: "secret") { aliases { id name } } }',
        headers=acme,
    )
    assert {"id": moved["id"], "name": "production"} in aliases["data"]["model"]["aliases"]
    node = (await gql(write_client, NODE, {"id": moved["id"]}, acme))["data"]["node"]
    assert node == {
        "id": moved["id"],
        "__typename": "ModelAlias",
        "name": "production",
        "version": "2.0.0",
    }

    price = """mutation($i: Float!) { setPricing(input: {provider: "openai", org: "acme",
      name: "secret", inputPricePerM: $i, outputPricePerM: 1}) { id inputPricePerM } }"""
    old = (await gql(write_client, price, {"i": 0.5}, acme))["data"]["setPricing"]
    new = (await gql(write_client, price, {"i": 0.75}, acme))["data"]["setPricing"]
    assert old["id"] != new["id"]  # a new price is a new object; the old one keeps its id
    past = (await gql(write_client, NODE, {"id": old["id"]}, acme))["data"]["node"]
    assert past["__typename"] == "ProviderPricing" and past["inputPricePerM"] == 0.5
    assert past["validTo"] is not None

    # Private model: neither is visible to anyone else.
    for headers in ({}, Tokens.header(tokens.globex_writer)):
        for global_id in (moved["id"], new["id"]):
            body = await gql(write_client, NODE, {"id": global_id}, headers)
            assert body["data"]["node"] is None
            assert body["errors"][0]["extensions"]["type"] == "not_found"


async def test_create_model_without_a_name_is_refused_by_the_schema(
    write_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    body = await gql(
        write_client,
        'mutation { createModel(input: {organization: "acme", slug: "nameless"}) { id } }',
        headers=Tokens.header(tokens.acme_writer),
    )
    assert "errors" in body and body.get("data") is None
    assert "name" in body["errors"][0]["message"]
