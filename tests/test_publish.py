"""publishVersion: roles, full validation before writing, duplicates, immutable artifacts."""

import pytest
from sqlalchemy import func, select

from app.db.tables import ModelVersionRow, VersionFileRow
from tests.access_support import Tokens
from tests.conftest import gql

OID = "sha256:" + "ab" * 32
CREATE = """
mutation($input: CreateModelInput!) { createModel(input: $input) { canonicalName isPublic } }
"""
PUBLISH = """
mutation($input: PublishVersionInput!) {
  publishVersion(input: $input) {
    version status isPublic fileSizeBytes fileOids metrics aliases
    files { path oid sizeBytes }
    model { canonicalName latestVersion { version } }
  }
}
"""


def version_input(**overrides):
    data = {
        "org": "acme",
        "name": "rocket",
        "version": "1.0.0",
        "framework": "safetensors",
        "files": [{"path": "model.safetensors", "oid": "CD" * 32, "sizeBytes": 5_000_000_000}],
        "metrics": {"accuracy": 0.91, "f1": 0.88},
        "aliases": ["production"],
    }
    data.update(overrides)
    return data


async def create_model(client, secret, slug="rocket", public=True):
    body = await gql(
        client,
        CREATE,
        {"input": {"organization": "acme", "slug": slug, "name": slug.title(), "isPublic": public}},
        Tokens.header(secret),
    )
    assert "errors" not in body, body
    return body


async def version_count(engine) -> tuple[int, int]:
    async with engine.connect() as connection:
        versions = await connection.scalar(select(func.count()).select_from(ModelVersionRow))
        files = await connection.scalar(select(func.count()).select_from(VersionFileRow))
    return versions, files


def error_of(body):
    assert body["errors"], body
    return body["errors"][0]["extensions"]


async def test_publish_writes_everything(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    body = await gql(
        write_client, PUBLISH, {"input": version_input()}, Tokens.header(tokens.acme_writer)
    )
    assert "errors" not in body, body
    version = body["data"]["publishVersion"]
    assert version["version"] == "1.0.0"
    assert version["status"] == "ACTIVE"
    assert version["fileSizeBytes"] == 5_000_000_000
    assert version["fileOids"] == {"model.safetensors": "sha256:" + "cd" * 32}
    assert version["metrics"] == {"accuracy": 0.91, "f1": 0.88}
    assert version["aliases"] == ["production"]
    assert version["model"] == {
        "canonicalName": "acme/rocket",
        "latestVersion": {"version": "1.0.0"},
    }


async def test_three_bad_fields_are_one_validation_error_and_nothing_is_written(
    write_client, tokens, fresh_engine
):
    await create_model(write_client, tokens.acme_writer)
    before = await version_count(fresh_engine)
    bad = version_input(
        version="1.0",
        files=[{"path": "a.bin", "oid": "sha256:xyz", "sizeBytes": -1}],
    )
    body = await gql(write_client, PUBLISH, {"input": bad}, Tokens.header(tokens.acme_writer))
    assert body["data"]["publishVersion"] is None
    envelope = error_of(body)
    assert envelope["code"] == 422 and envelope["type"] == "validation_error"
    locations = {tuple(e["loc"]) for e in envelope["errors"]}
    assert locations == {
        ("input", "version"),
        ("input", "files", 0, "oid"),
        ("input", "files", 0, "sizeBytes"),
    }
    assert all(e["msg"] and e["type"] for e in envelope["errors"])
    assert await version_count(fresh_engine) == before


@pytest.mark.parametrize(
    ("overrides", "loc"),
    [
        ({"version": "01.0.0"}, ["input", "version"]),
        (
            {"files": [{"path": "m", "oid": "sha1:" + "a" * 40, "sizeBytes": 1}]},
            ["input", "files", 0, "oid"],
        ),
        (
            {"files": [{"path": "m", "oid": OID, "sizeBytes": -5}]},
            ["input", "files", 0, "sizeBytes"],
        ),
        ({"files": [{"path": "", "oid": OID, "sizeBytes": 1}]}, ["input", "files", 0, "path"]),
        (
            {
                "files": [
                    {"path": "m", "oid": OID, "sizeBytes": 1},
                    {"path": "m", "oid": OID, "sizeBytes": 2},
                ]
            },
            ["input", "files", 1],
        ),
        ({"aliases": ["Prod!"]}, ["input", "aliases", 0]),
        ({"aliases": ["2.0.0"]}, ["input", "aliases", 0]),
        ({"metrics": {"loss": "low"}}, ["input", "metrics", "loss"]),
        ({"metrics": [1, 2]}, ["input", "metrics"]),
        ({"artifactId": "not-a-uuid"}, ["input", "artifactId"]),
        ({"status": "DELETED"}, ["input", "status"]),
        ({"origin": "github"}, ["input", "origin"]),
    ],
)
async def test_each_bad_field_alone(write_client, tokens, fresh_engine, overrides, loc):
    await create_model(write_client, tokens.acme_writer)
    before = await version_count(fresh_engine)
    body = await gql(
        write_client,
        PUBLISH,
        {"input": version_input(**overrides)},
        Tokens.header(tokens.acme_writer),
    )
    envelope = error_of(body)
    assert envelope["type"] == "validation_error", envelope
    assert [e["loc"] for e in envelope["errors"]] == [loc]
    assert await version_count(fresh_engine) == before


async def test_bare_hex_oid_is_accepted_and_normalized(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    files = [{"path": "w.gguf", "oid": "AB" * 32, "sizeBytes": 0}]
    body = await gql(
        write_client,
        PUBLISH,
        {"input": version_input(files=files)},
        Tokens.header(tokens.acme_writer),
    )
    assert body["data"]["publishVersion"]["files"] == [
        {"path": "w.gguf", "oid": OID, "sizeBytes": 0}
    ]


async def test_publishing_twice_is_already_exists(write_client, tokens, fresh_engine):
    await create_model(write_client, tokens.acme_writer)
    headers = Tokens.header(tokens.acme_writer)
    first = await gql(write_client, PUBLISH, {"input": version_input()}, headers)
    assert "errors" not in first
    before = await version_count(fresh_engine)
    again = await gql(write_client, PUBLISH, {"input": version_input()}, headers)
    envelope = error_of(again)
    assert (envelope["code"], envelope["type"]) == (409, "already_exists")
    assert await version_count(fresh_engine) == before


async def test_reader_cannot_write(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    body = await gql(
        write_client, PUBLISH, {"input": version_input()}, Tokens.header(tokens.acme_reader)
    )
    assert error_of(body)["type"] == "permission_denied"
    body = await gql(
        write_client,
        CREATE,
        {"input": {"organization": "acme", "slug": "other", "name": "Other"}},
        Tokens.header(tokens.acme_reader),
    )
    assert error_of(body)["type"] == "permission_denied"


async def test_anonymous_cannot_write(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    body = await gql(write_client, PUBLISH, {"input": version_input()})
    assert error_of(body)["type"] == "authentication_error"


async def test_other_organization_private_is_not_found_public_is_forbidden(write_client, tokens):
    await create_model(write_client, tokens.acme_writer, slug="secret", public=False)
    await create_model(write_client, tokens.acme_writer, slug="open", public=True)
    globex = Tokens.header(tokens.globex_writer)
    hidden = await gql(write_client, PUBLISH, {"input": version_input(name="secret")}, globex)
    assert error_of(hidden)["type"] == "not_found"
    missing = await gql(
        write_client, PUBLISH, {"input": version_input(name="no-such-model")}, globex
    )
    assert (
        error_of(missing)["detail"].replace("no-such-model", "secret") == error_of(hidden)["detail"]
    )
    visible = await gql(write_client, PUBLISH, {"input": version_input(name="open")}, globex)
    assert error_of(visible)["type"] == "permission_denied"


async def test_artifacts_and_version_are_immutable(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    headers = Tokens.header(tokens.acme_writer)
    await gql(write_client, PUBLISH, {"input": version_input()}, headers)
    body = await gql(
        write_client,
        """mutation { updateVersion(org: "acme", name: "rocket", version: "1.0.0",
             input: { files: [] }) { version } }""",
        headers=headers,
    )
    assert error_of(body)["type"] == "invalid_request"  # not an updatable field
    body = await gql(
        write_client,
        """mutation { updateVersion(org: "acme", name: "rocket", version: "1.0.0",
             input: { metrics: {loss: 0.2}, longDescription: "Better docs", tags: ["x"] })
             { version metrics longDescription tags fileSizeBytes } }""",
        headers=headers,
    )
    assert body["data"]["updateVersion"] == {
        "version": "1.0.0",
        "metrics": {"loss": 0.2},
        "longDescription": "Better docs",
        "tags": ["x"],
        "fileSizeBytes": 5_000_000_000,
    }
