"""Request limits: each refused with the envelope before any SQL runs; GraphQL over HTTP details.

The node count (app/graphql/cost.py) is a pure function, tested directly first.
"""

from __future__ import annotations

import httpx
import pytest
from graphql import parse

from app.errors import HTTPRefusal
from app.graphql.cost import MAX_REQUESTED_NODES, requested_nodes
from app.graphql.limits import (
    MAX_ALIASES,
    MAX_BODY_BYTES,
    MAX_DEPTH,
    MAX_DIRECTIVES,
    MAX_TOKENS,
    strip_suggestions,
)
from app.graphql.schema import schema
from app.http.negotiation import GRAPHQL_RESPONSE_JSON, negotiate
from app.main import create_app
from app.settings import Settings
from tests.conftest import count_statements

GRAPHQL_SCHEMA = schema._schema

THREE_NESTED = """
{ organizations(first: 100) { edges { node {
    models(first: 100) { edges { node {
      versions(first: 100) { edges { node { version } } } } } } } } } }
"""


def nodes(query: str, variables: dict | None = None, operation: str | None = None) -> int:
    return requested_nodes(GRAPHQL_SCHEMA, parse(query), variables, operation)


# --- the node count, a pure function ---------------------------------------------------------


def test_scalars_and_plain_fields_cost_nothing():
    assert nodes('{ __typename model(org: "a", name: "b") { name } }') == 0


def test_connection_defaults_to_twenty():
    assert nodes("{ models { totalCount } }") == 20


def test_nested_connections_multiply_like_github():
    query = "{ organizations(first: 50) { edges { node { models(first: 10) { totalCount } } } } }"
    assert nodes(query) == 50 + 50 * 10


def test_three_nested_hundreds():
    assert nodes(THREE_NESTED) == 100 + 100 * 100 + 100 * 100 * 100


def test_last_counts_like_first_and_variables_are_read():
    query = "query($n: Int) { models(last: $n) { nodes { name } } }"
    assert nodes(query, {"n": 7}) == 7
    assert nodes(query, {}) == 20
    assert nodes("query($n: Int = 3) { models(first: $n) { totalCount } }") == 3


def test_fragments_are_costed_once_per_spread_and_cycles_do_not_loop():
    query = """
    { a: models(first: 2) { ...M } b: models(first: 3) { ...M } }
    fragment M on ModelConnection { edges { node { versions(first: 5) { totalCount } } } }
    """
    assert nodes(query) == (2 + 2 * 5) + (3 + 3 * 5)
    cyclic = "{ models { ...A } } fragment A on ModelConnection { ...A }"
    assert nodes(cyclic) == 20


def test_only_the_named_operation_is_costed():
    query = (
        "query A { models(first: 1) { totalCount } } query B { models(first: 9) { totalCount } }"
    )
    assert nodes(query, operation="B") == 9


# --- content negotiation and suggestions (pure) ----------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON};q=0.5", "application/json"),
        ("text/html, */*;q=0.8", "application/json"),
    ],
)
def test_negotiate(accept, expected):
    assert negotiate(accept) == expected


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "application/json;q=0"])
def test_negotiate_refuses_what_it_cannot_answer(accept):
    with pytest.raises(HTTPRefusal) as refused:
        negotiate(accept)
    assert refused.value.code == 406


def test_strip_suggestions():
    message = "Cannot query field 'modelz' on type 'Query'. Did you mean 'model' or 'models'?"
    assert strip_suggestions(message) == "Cannot query field 'modelz' on type 'Query'."
    assert strip_suggestions("No suggestion here.") == "No suggestion here."


# --- refusals over HTTP, before any SQL ------------------------------------------------------


def _limit_error(body: dict, kind: str) -> dict:
    assert "data" not in body or body["data"] is None, body
    kinds = [
        entry["type"] for error in body["errors"] for entry in error["extensions"].get("errors", [])
    ]
    assert kind in kinds, body
    error = next(
        e for e in body["errors"] if kind in [x["type"] for x in e["extensions"].get("errors", [])]
    )
    ext = error["extensions"]
    assert (ext["code"], ext["type"]) == (400, "invalid_request")
    assert set(ext) == {"code", "type", "detail", "errors", "requestId"}
    assert ext["errors"][0]["loc"] == ["query"]
    return ext


async def _post(client: httpx.AsyncClient, query: str, accept: str = GRAPHQL_RESPONSE_JSON):
    return await client.post("/graphql", json={"query": query}, headers={"Accept": accept})


async def test_depth_20_is_refused_before_sql(client, seeded_engine):
    fields = "organizations { nodes { models { nodes { " * 5 + "name" + " } }" * 10
    query = "{ " + fields + " }"
    with count_statements(seeded_engine) as counter:
        response = await _post(client, query)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    body = response.json()
    ext = _limit_error(body, "max_depth")
    assert ext["requestId"] == response.headers["x-request-id"]
    assert str(MAX_DEPTH) in ext["detail"]
    assert counter.count == 0, counter.statements


async def test_100_aliases_are_refused_before_sql(client, seeded_engine):
    query = "{ " + " ".join(f"a{i}: models(first: 1) {{ totalCount }}" for i in range(100)) + " }"
    with count_statements(seeded_engine) as counter:
        response = await _post(client, query)
    assert response.status_code == 400
    ext = _limit_error(response.json(), "max_aliases")
    assert str(MAX_ALIASES) in ext["detail"]
    assert counter.count == 0, counter.statements


async def test_2mb_body_is_413_before_sql(client, seeded_engine):
    padding = " " * (2 * 1024 * 1024)
    with count_statements(seeded_engine) as counter:
        response = await client.post(
            "/graphql",
            content='{"query": "{ models { totalCount } }' + padding + '"}',
            headers={"content-type": "application/json", "X-Request-ID": "big-1"},
        )
    assert response.status_code == 413
    body = response.json()
    assert (body["code"], body["type"]) == (413, "invalid_request")
    assert body["requestId"] == "big-1" == response.headers["x-request-id"]
    assert body["errors"][0]["type"] == "max_body_size"
    assert str(MAX_BODY_BYTES) in body["detail"]
    assert counter.count == 0, counter.statements


async def test_three_nested_first_100_are_refused_before_sql(client, seeded_engine):
    with count_statements(seeded_engine) as counter:
        response = await _post(client, THREE_NESTED)
    assert response.status_code == 400
    ext = _limit_error(response.json(), "max_nodes")
    assert "1010100" in ext["detail"] and str(MAX_REQUESTED_NODES) in ext["detail"]
    assert counter.count == 0, counter.statements


async def test_limits_answer_200_with_data_null_for_json_clients(client, seeded_engine):
    with count_statements(seeded_engine) as counter:
        response = await _post(client, THREE_NESTED, accept="application/json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["data"] is None
    _limit_error(body, "max_nodes")
    assert counter.count == 0


async def test_token_limit(client, seeded_engine):
    query = "{ " + "__typename " * (MAX_TOKENS + 10) + "}"
    with count_statements(seeded_engine) as counter:
        response = await _post(client, query)
    assert response.status_code == 400
    ext = _limit_error(response.json(), "max_tokens")
    assert str(MAX_TOKENS) in ext["detail"]
    assert counter.count == 0


async def test_directive_limit(client, seeded_engine):
    query = "{ " + " ".join("__typename @include(if: true)" for _ in range(MAX_DIRECTIVES + 1))
    query += " }"
    with count_statements(seeded_engine) as counter:
        response = await _post(client, query)
    assert response.status_code == 400
    ext = _limit_error(response.json(), "max_directives")
    assert str(MAX_DIRECTIVES) in ext["detail"]
    assert counter.count == 0


async def test_accepted_query_reports_its_cost(client):
    query = "{ organizations(first: 3) { edges { node { models(first: 2) { totalCount } } } } }"
    response = await _post(client, query)
    assert response.status_code == 200
    body = response.json()
    assert body["data"]["organizations"]["edges"]
    assert body["extensions"]["cost"] == {
        "requestedNodes": 3 + 3 * 2,
        "limit": MAX_REQUESTED_NODES,
    }


# --- GraphQL over HTTP -----------------------------------------------------------------------


async def test_get_query_still_works_for_json_clients(client):
    response = await client.get(
        "/graphql",
        params={"query": "{ models(first: 1) { totalCount } }"},
        headers={"Accept": "application/json", "X-Request-ID": "get-1"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-request-id"] == "get-1"
    assert response.json()["data"]["models"]["totalCount"] > 0


async def test_mutation_over_get_is_405(client, seeded_engine):
    with count_statements(seeded_engine) as counter:
        response = await client.get(
            "/graphql",
            params={
                "query": 'mutation { createOrganization(input: {slug: "x", name: "X"}) { slug } }'
            },
            headers={"Accept": GRAPHQL_RESPONSE_JSON},
        )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    body = response.json()
    assert (body["code"], body["type"]) == (405, "invalid_request")
    assert body["requestId"] == response.headers["x-request-id"]
    assert counter.count == 0


async def test_unacceptable_accept_is_406(client):
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept": "application/xml"}
    )
    assert response.status_code == 406
    body = response.json()
    assert (body["code"], body["type"]) == (406, "invalid_request")


async def test_unsupported_content_type_is_the_envelope(client):
    response = await client.post(
        "/graphql", content="{ __typename }", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], body["type"]) == (400, "invalid_request")
    assert body["requestId"] == response.headers["x-request-id"]


async def test_parse_error_with_graphql_response_json_is_400_without_data(client):
    response = await _post(client, "{")
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["type"] == "invalid_request"


async def test_field_suggestions_are_off_by_default(client):
    body = (await _post(client, "{ modelz { name } }", accept="application/json")).json()
    message = body["errors"][0]["message"]
    assert "modelz" in message and "Did you mean" not in message
    assert "Did you mean" not in body["errors"][0]["extensions"]["detail"]


async def test_field_suggestions_in_development(seeded_engine):
    settings = Settings(
        database_url=seeded_engine.url.render_as_string(hide_password=False), debug=True
    )
    app = create_app(settings, seeded_engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as http:
        body = (await _post(http, "{ modelz { name } }", accept="application/json")).json()
    assert "Did you mean" in body["errors"][0]["message"]
