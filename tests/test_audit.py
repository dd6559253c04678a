"""Every mutation leaves an audit entry; an organization's admins read them."""

from tests.access_support import Tokens
from tests.conftest import gql
from tests.test_publish import PUBLISH, create_model, error_of, version_input

AUDIT = """{ auditLog(org: "acme", first: 10) { totalCount
  edges { node { action targetType targetId tokenId createdAt details } } } }"""


async def test_admins_read_who_did_what_when(write_client, tokens):
    headers = Tokens.header(tokens.acme_writer)
    await create_model(write_client, tokens.acme_writer)
    await gql(write_client, PUBLISH, {"input": version_input()}, headers)
    await gql(
        write_client,
        'mutation { setAlias(org: "acme", name: "rocket", alias: "staging", version: "1.0.0") { name } }',
        headers=headers,
    )
    body = await gql(write_client, AUDIT, headers=Tokens.header(tokens.acme_admin))
    log = body["data"]["auditLog"]
    actions = [edge["node"]["action"] for edge in log["edges"]]
    assert actions == ["set_alias", "publish_version", "create_model"]  # newest first
    assert log["totalCount"] == 3
    writer_token_ids = {edge["node"]["tokenId"] for edge in log["edges"]}
    assert len(writer_token_ids) == 1 and None not in writer_token_ids
    publish = log["edges"][1]["node"]
    assert publish["targetType"] == "ModelVersion"
    assert publish["details"]["version"] == "1.0.0"
    assert all(edge["node"]["createdAt"] for edge in log["edges"])


async def test_failed_mutations_leave_no_entry(write_client, tokens):
    headers = Tokens.header(tokens.acme_writer)
    await create_model(write_client, tokens.acme_writer)
    bad = await gql(write_client, PUBLISH, {"input": version_input(version="bad")}, headers)
    assert error_of(bad)["type"] == "validation_error"
    body = await gql(write_client, AUDIT, headers=Tokens.header(tokens.acme_admin))
    assert [e["node"]["action"] for e in body["data"]["auditLog"]["edges"]] == ["create_model"]


async def test_only_that_organizations_admins(write_client, tokens):
    for secret, expected in (
        (tokens.acme_writer, "permission_denied"),
        (tokens.acme_reader, "permission_denied"),
        (tokens.globex_admin, "permission_denied"),
    ):
        body = await gql(write_client, AUDIT, headers=Tokens.header(secret))
        assert error_of(body)["type"] == expected
        assert body["data"]["auditLog"] is None
    anonymous = await gql(write_client, AUDIT)
    assert error_of(anonymous)["type"] == "authentication_error"
