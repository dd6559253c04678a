"""Bearer tokens: who the viewer is; bad tokens are HTTP 401 with the envelope."""

import pytest

from tests.access_support import Tokens
from tests.conftest import gql

VIEWER = "{ viewer { isAnonymous role organization { slug } } }"


async def test_no_header_is_anonymous(write_client, tokens):
    body = await gql(write_client, VIEWER)
    assert body["data"]["viewer"] == {"isAnonymous": True, "role": None, "organization": None}


async def test_token_resolves_to_its_organization_and_role(write_client, tokens):
    body = await gql(write_client, VIEWER, headers=Tokens.header(tokens.acme_reader))
    assert body["data"]["viewer"] == {
        "isAnonymous": False,
        "role": "reader",
        "organization": {"slug": "acme"},
    }


@pytest.mark.parametrize(
    "header",
    [
        "Bearer mcat_" + "x" * 43,  # well-formed, unknown
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
    ],
)
async def test_bad_tokens_get_401_envelope(write_client, tokens, header):
    response = await write_client.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == 401
    assert body["type"] == "authentication_error"
    assert body["detail"]
    assert body["requestId"] == response.headers["x-request-id"]


async def test_revoked_token_gets_401(write_client, tokens):
    response = await write_client.post(
        "/graphql", json={"query": VIEWER}, headers=Tokens.header(tokens.revoked)
    )
    assert response.status_code == 401
    assert response.json()["type"] == "authentication_error"


async def test_tokens_are_stored_hashed(fresh_engine, tokens):
    from sqlalchemy import select

    from app.db.tables import ApiTokenRow

    async with fresh_engine.connect() as connection:
        stored = (
            await connection.execute(select(ApiTokenRow.secret_hash, ApiTokenRow.prefix))
        ).all()
    secrets = {tokens.acme_reader, tokens.acme_writer, tokens.globex_admin}
    for secret_hash, prefix in stored:
        assert secret_hash not in secrets and len(secret_hash) == 64
        assert len(prefix) < 20
