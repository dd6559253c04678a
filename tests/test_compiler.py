"""The compiled path: one data statement per root field, the switch, `extensions.plan`, and
what stays on the resolver path."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.main import create_app
from app.settings import Settings
from tests.conftest import count_statements

DASHBOARD = """query Dashboard($after: String) {
  models(first: 20, after: $after) {
    totalCount
    edges { cursor node {
      canonicalName organization { name } license { name } family { name }
      latestVersion { version files { path } }
      topScores(limit: 3) { score benchmark { name } }
      providers { providerName }
      externalIds { source }
      versions(first: 3) { totalCount edges { node { version files { oid } } } }
    } }
    pageInfo { hasNextPage endCursor }
  }
  detail: model(org: "meta", name: "llama-chat-8b") { name versions(first: 2) { totalCount } }
}"""


def _client(engine: Any, *, compiler: bool = True, debug: bool = True) -> httpx.AsyncClient:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        debug=debug,
        compiler=compiler,
    )
    app = create_app(settings, engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://catalog.test")


async def _post(http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None):
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    return response.json()


async def test_one_statement_per_root_field(seeded_engine):
    async with _client(seeded_engine) as http, _client(seeded_engine, compiler=False) as off:
        first = await _post(off, DASHBOARD)  # validated (and answered) by the resolvers
        with count_statements(seeded_engine) as counter:
            body = await _post(http, DASHBOARD)
        assert body["extensions"]["plan"] == "compiled"
        assert counter.count == 2, counter.statements  # two root fields, two statements
        assert body["data"] == first["data"]
        cursor = body["data"]["models"]["pageInfo"]["endCursor"]
        with count_statements(seeded_engine) as counter:
            page2 = await _post(http, DASHBOARD, {"after": cursor})
        assert page2["extensions"]["plan"] == "compiled"
        assert counter.count == 2
        assert page2["data"]["models"]["edges"][0]["cursor"] != cursor


async def test_switched_off_everything_runs_on_the_resolvers(seeded_engine):
    async with _client(seeded_engine, compiler=False) as http:
        for _ in range(2):
            body = await _post(http, DASHBOARD)
            assert body["extensions"]["plan"] == "resolver"


async def test_plan_is_only_shown_in_debug(seeded_engine):
    async with _client(seeded_engine, debug=False) as http:
        for _ in range(2):
            body = await _post(http, DASHBOARD)
            assert set(body["extensions"]) == {"cost"}


@pytest.mark.parametrize(
    "query",
    [
        "{ models(first: 2) { edges { node { name tags { name } } } } }",  # unmapped field
        "{ models(first: 2) { edges { node { name @deprecated } } } }",  # other directive
        "{ providers(first: 2) { edges { node { slug } } } }",  # a root without a mapping
        '{ compareVersions(org: "meta", name: "llama-chat-8b", versions: ["1.0.0"]) { name } }',
        "{ models(first: 101) { edges { node { name } } } }",  # refused: the resolvers say so
        '{ model(org: "meta", name: "llama-chat-8b") { topScores(limit: 0) { score } } }',
    ],
)
async def test_what_does_not_compile_is_answered_by_the_resolvers(seeded_engine, query):
    async with _client(seeded_engine) as http, _client(seeded_engine, compiler=False) as off:
        expected = (await off.post("/graphql", json={"query": query})).json()
        for _ in range(2):
            got = (await http.post("/graphql", json={"query": query})).json()
            assert (got.get("extensions") or {}).get("plan", "resolver") == "resolver"
            for body in (expected, got):
                (body.get("extensions") or {}).pop("plan", None)
                for error in body.get("errors") or ():
                    error["extensions"].pop("requestId", None)
            assert got == expected


async def test_missing_model_is_not_found_with_null_data(seeded_engine):
    """A miss is answered by the resolver path (it also finds other spellings of a name)."""
    query = '{ model(org: "meta", name: "no-such-model") { name } }'
    async with _client(seeded_engine) as http:
        await _post(http, query)
        body = await _post(http, query)
        spelled = await _post(
            http, '{ model(org: "meta", name: "llama-3.1-70b-instruct") { name } }'
        )
    assert spelled["data"]["model"] is not None
    assert body["extensions"]["plan"] == "resolver"
    assert body["data"] == {"model": None}
    (error,) = body["errors"]
    assert error["extensions"]["type"] == "not_found"
    assert error["path"] == ["model"]
    assert error["message"] == "Model 'meta/no-such-model' not found"


NODE = """query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Model { name organization { slug } latestVersion { version } }
    ... on ModelVersion { version files { path } model { name } }
    ... on Organization { slug name }
    ... on License { slug allowCommercial }
    ... on Family { slug }
    ... on Benchmark { slug maxScore }
  }
}"""


async def test_node_compiles_for_its_mapped_types(seeded_engine):
    ids_query = """{ models(first: 5) { nodes { id organization { id } license { id }
      family { id } latestVersion { id } topScores(limit: 1) { benchmark { id } } } }
      detail: model(org: "meta", name: "llama-chat-8b") { latestVersion { id } } }"""
    async with _client(seeded_engine) as http, _client(seeded_engine, compiler=False) as off:
        answer = (await _post(off, ids_query))["data"]
        found = answer["models"]["nodes"]
        ids = {"ModelVersion": answer["detail"]["latestVersion"]["id"]}
        for model in found:
            ids.setdefault("Model", model["id"])
            for name, value in [
                ("Organization", model["organization"]),
                ("License", model["license"]),
                ("Family", model["family"]),
                ("ModelVersion", model["latestVersion"]),
            ] + [("Benchmark", s["benchmark"]) for s in model["topScores"]]:
                if value is not None:
                    ids.setdefault(name, value["id"])
        assert set(ids) == {"Model", "Organization", "License", "Family", "ModelVersion",
                            "Benchmark"}  # fmt: skip
        for type_name, global_id in ids.items():
            expected = await _post(off, NODE, {"id": global_id})
            with count_statements(seeded_engine) as counter:
                body = await _post(http, NODE, {"id": global_id})
            assert body["extensions"]["plan"] == "compiled", type_name
            assert counter.count == 1, counter.statements
            assert body["data"] == expected["data"]
            assert body["data"]["node"]["__typename"] == type_name


@pytest.mark.parametrize(
    "global_id",
    ["TW9kZWw6OTk5OTk5", "bm90LWFuLWlk", "UHJvdmlkZXI6MQ=="],  # Model:999999, junk, Provider:1
)
async def test_node_misses_and_other_types_are_answered_by_the_resolvers(seeded_engine, global_id):
    async with _client(seeded_engine) as http, _client(seeded_engine, compiler=False) as off:
        expected = await off.post("/graphql", json={"query": NODE, "variables": {"id": global_id}})
        got = await http.post("/graphql", json={"query": NODE, "variables": {"id": global_id}})
        assert got.json()["extensions"]["plan"] == "resolver"
        for body in (expected.json(), got.json()):
            assert body.get("errors") or body["data"]["node"]["__typename"] == "Provider"
        assert got.status_code == expected.status_code
