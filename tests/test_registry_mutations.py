"""Aliases (and their history), the version lifecycle, soft deletion."""

from tests.access_support import Tokens
from tests.conftest import gql
from tests.test_publish import PUBLISH, create_model, error_of, version_input

SET_ALIAS = """
mutation($alias: String!, $version: String!) {
  setAlias(org: "acme", name: "rocket", alias: $alias, version: $version) { name version }
}
"""
HISTORY = """
query($at: DateTime!) { model(org: "acme", name: "rocket") {
  aliases { name version }
  aliasHistory(alias: "production") {
    totalCount edges { node { alias fromVersion toVersion changedAt changedByTokenId from { version } to { version } } }
  }
  aliasAt(alias: "production", at: $at) { version }
} }
"""


async def publish(client, headers, version, **overrides):
    body = await gql(
        client, PUBLISH, {"input": version_input(version=version, **overrides)}, headers
    )
    assert "errors" not in body, body
    return body["data"]["publishVersion"]


async def rocket_with_versions(client, tokens, *versions):
    await create_model(client, tokens.acme_writer)
    headers = Tokens.header(tokens.acme_writer)
    for version in versions:
        await publish(client, headers, version, aliases=[])
    return headers


async def test_set_alias_moves_it_and_history_shows_both_positions(write_client, tokens):
    headers = await rocket_with_versions(write_client, tokens, "1.0.0", "1.1.0")
    first = await gql(write_client, SET_ALIAS, {"alias": "production", "version": "1.0.0"}, headers)
    assert first["data"]["setAlias"] == {"name": "production", "version": "1.0.0"}
    between = await gql(write_client, "{ viewer { isAnonymous } }")  # a moment between the two
    assert between["data"]
    moved = await gql(write_client, SET_ALIAS, {"alias": "production", "version": "1.1.0"}, headers)
    assert moved["data"]["setAlias"] == {"name": "production", "version": "1.1.0"}

    body = await gql(write_client, HISTORY, {"at": "2999-01-01T00:00:00Z"}, headers)
    model = body["data"]["model"]
    assert {"name": "production", "version": "1.1.0"} in model["aliases"]
    history = model["aliasHistory"]
    assert history["totalCount"] == 2
    newest, oldest = (edge["node"] for edge in history["edges"])
    assert (oldest["fromVersion"], oldest["toVersion"]) == (None, "1.0.0")
    assert (newest["fromVersion"], newest["toVersion"]) == ("1.0.0", "1.1.0")
    assert newest["from"] == {"version": "1.0.0"} and newest["to"] == {"version": "1.1.0"}
    assert newest["changedByTokenId"] is not None
    assert model["aliasAt"] == {"version": "1.1.0"}

    # Where did it point just after the first change?
    at_first = await gql(write_client, HISTORY, {"at": oldest["changedAt"]}, headers)
    assert at_first["data"]["model"]["aliasAt"] == {"version": "1.0.0"}
    before_any = await gql(write_client, HISTORY, {"at": "2000-01-01T00:00:00Z"}, headers)
    assert before_any["data"]["model"]["aliasAt"] is None


async def test_alias_validation(write_client, tokens):
    headers = await rocket_with_versions(write_client, tokens, "1.0.0")
    bad = await gql(write_client, SET_ALIAS, {"alias": "Bad Alias", "version": "1.0.0"}, headers)
    assert error_of(bad)["type"] == "validation_error"
    missing = await gql(write_client, SET_ALIAS, {"alias": "prod", "version": "9.9.9"}, headers)
    assert error_of(missing)["type"] == "not_found"
    reader = await gql(
        write_client,
        SET_ALIAS,
        {"alias": "prod", "version": "1.0.0"},
        Tokens.header(tokens.acme_reader),
    )
    assert error_of(reader)["type"] == "permission_denied"


async def test_remove_alias_is_recorded(write_client, tokens):
    headers = await rocket_with_versions(write_client, tokens, "1.0.0")
    await gql(write_client, SET_ALIAS, {"alias": "production", "version": "1.0.0"}, headers)
    body = await gql(
        write_client,
        'mutation { removeAlias(org: "acme", name: "rocket", alias: "production") { aliases { name } } }',
        headers=headers,
    )
    assert body["data"]["removeAlias"]["aliases"] == []
    history = await gql(write_client, HISTORY, {"at": "2999-01-01T00:00:00Z"}, headers)
    newest = history["data"]["model"]["aliasHistory"]["edges"][0]["node"]
    assert (newest["fromVersion"], newest["toVersion"]) == ("1.0.0", None)


STATUS = """
mutation($version: String!, $status: VersionStatus!) {
  setVersionStatus(org: "acme", name: "rocket", version: $version, status: $status) { status isActive }
}
"""


async def test_status_transitions_follow_the_table(write_client, tokens):
    headers = await rocket_with_versions(write_client, tokens)
    await publish(write_client, headers, "1.0.0", aliases=[], status="PARTIAL")
    ok = await gql(write_client, STATUS, {"version": "1.0.0", "status": "ACTIVE"}, headers)
    assert ok["data"]["setVersionStatus"] == {"status": "ACTIVE", "isActive": True}
    back = await gql(write_client, STATUS, {"version": "1.0.0", "status": "PARTIAL"}, headers)
    assert error_of(back)["type"] == "validation_error"
    assert error_of(back)["errors"][0]["loc"] == ["status"]
    deleted = await gql(write_client, STATUS, {"version": "1.0.0", "status": "DELETED"}, headers)
    assert error_of(deleted)["type"] == "validation_error"
    inactive = await gql(write_client, STATUS, {"version": "1.0.0", "status": "INACTIVE"}, headers)
    assert inactive["data"]["setVersionStatus"] == {"status": "INACTIVE", "isActive": False}


async def test_delete_is_soft_and_hides_the_version(write_client, tokens):
    headers = await rocket_with_versions(write_client, tokens, "1.0.0", "2.0.0")
    await gql(write_client, SET_ALIAS, {"alias": "latest", "version": "2.0.0"}, headers)
    body = await gql(
        write_client,
        'mutation { deleteVersion(org: "acme", name: "rocket", version: "2.0.0") { status } }',
        headers=headers,
    )
    assert body["data"]["deleteVersion"] == {"status": "DELETED"}
    view = await gql(
        write_client,
        """{ model(org: "acme", name: "rocket") {
             latestVersion { version } aliases { name }
             versions { totalCount edges { node { version } } }
             deleted: versions(status: [DELETED]) { edges { node { version status } } } } }""",
        headers=headers,
    )
    model = view["data"]["model"]
    assert model["latestVersion"] == {"version": "1.0.0"}
    assert model["aliases"] == []
    assert model["versions"]["totalCount"] == 1
    assert [e["node"]["version"] for e in model["versions"]["edges"]] == ["1.0.0"]
    assert model["deleted"]["edges"] == [{"node": {"version": "2.0.0", "status": "DELETED"}}]
    again = await gql(
        write_client,
        'mutation { deleteVersion(org: "acme", name: "rocket", version: "2.0.0") { status } }',
        headers=headers,
    )
    assert error_of(again)["type"] == "not_found"
