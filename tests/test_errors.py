"""The error envelope: not_found, invalid_request, and masked internal errors."""

import base64

import httpx
import pytest

from app.main import create_app
from app.repositories import models as models_repo
from app.settings import Settings
from tests.conftest import gql

ENVELOPE_KEYS = {"code", "type", "detail", "requestId"}


def _only_error(body):
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


async def test_missing_model_is_null_and_not_found(client):
    response = await client.post(
        "/graphql", json={"query": '{ model(org: "meta", name: "nope") { id } }'}
    )
    body = response.json()
    assert body["data"] == {"model": None}
    ext = _only_error(body)["extensions"]
    assert set(ext) == ENVELOPE_KEYS
    assert ext["code"] == 404 and ext["type"] == "not_found"
    assert "meta/nope" in ext["detail"]
    assert ext["requestId"] == response.headers["x-request-id"]


async def test_caller_request_id_is_echoed(client):
    response = await client.post(
        "/graphql",
        json={"query": '{ model(org: "x", name: "y") { id } }'},
        headers={"X-Request-ID": "trace-123"},
    )
    assert response.headers["x-request-id"] == "trace-123"
    assert response.json()["errors"][0]["extensions"]["requestId"] == "trace-123"


@pytest.mark.parametrize(
    "global_id",
    ["zzz", "!!!", base64.b64encode(b"no-colon").decode(), base64.b64encode(b"Model:x").decode()],
)
async def test_malformed_node_id_is_invalid_request(client, global_id):
    body = await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": global_id})
    assert body["data"] == {"node": None}
    ext = _only_error(body)["extensions"]
    assert (ext["type"], ext["code"]) == ("invalid_request", 400)


@pytest.mark.parametrize("raw", [b"Model:999999", b"Nope:1", b"ModelVersion:999999"])
async def test_unknown_node_id_is_null_and_not_found(client, raw):
    global_id = base64.b64encode(raw).decode()
    body = await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": global_id})
    assert body["data"] == {"node": None}
    ext = _only_error(body)["extensions"]
    assert (ext["type"], ext["code"]) == ("not_found", 404)


async def test_known_node_id_round_trips(client):
    body = await gql(client, '{ model(org: "meta", name: "llama-chat-8b") { id name } }')
    model = body["data"]["model"]
    again = await gql(
        client,
        "query($id: ID!) { node(id: $id) { id ... on Model { name } } }",
        {"id": model["id"]},
    )
    assert again["data"]["node"] == model


@pytest.mark.parametrize(
    "query",
    [
        "{ models(first: 2) { edges { node { name } }",  # syntax error
        "{ models(first: 2) { edges { node { nope } } } }",  # unknown field
        '{ models(first: "two") { totalCount } }',  # wrong argument type
        "query($n: Int!) { models(first: $n) { totalCount } }",  # missing variable
    ],
)
async def test_client_mistakes_are_invalid_request(client, query):
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code < 500
    error = response.json()["errors"][0]
    ext = error["extensions"]
    assert (ext["type"], ext["code"]) == ("invalid_request", 400), error
    assert ext["requestId"]


async def test_internal_error_is_masked(seeded_engine, monkeypatch):
    async def broken(*_args, **_kwargs):
        raise RuntimeError("SELECT secret FROM x")

    monkeypatch.setattr(models_repo, "records_by_names", broken)
    # The resolver path (a compiled operation would not call the broken repository function).
    settings = Settings(
        database_url=seeded_engine.url.render_as_string(hide_password=False), compiler=False
    )
    transport = httpx.ASGITransport(app=create_app(settings, seeded_engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as client:
        response = await client.post(
            "/graphql", json={"query": '{ model(org: "meta", name: "llama-chat-8b") { id } }'}
        )
    body = response.json()
    assert body["data"] == {"model": None}
    error = _only_error(body)
    ext = error["extensions"]
    assert (ext["type"], ext["code"]) == ("internal_error", 500)
    text = response.text
    for leak in ("SELECT", "secret", "Traceback", "RuntimeError", ".py"):
        assert leak not in text, text
    assert ext["requestId"] == response.headers["x-request-id"]
