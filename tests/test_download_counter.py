"""recordDownload: concurrent calls are counted exactly; roles are enforced."""

import asyncio

from tests.access_support import Tokens
from tests.conftest import gql
from tests.test_publish import PUBLISH, create_model, error_of, version_input

RECORD = (
    'mutation { recordDownload(org: "acme", name: "rocket", version: "1.0.0") { downloadCount } }'
)
COUNTS = '{ model(org: "acme", name: "rocket") { downloadCount version(ref: "1.0.0") { downloadCount } } }'


async def test_200_concurrent_downloads_add_exactly_200(write_client, tokens):
    headers = Tokens.header(tokens.acme_writer)
    await create_model(write_client, tokens.acme_writer)
    published = await gql(write_client, PUBLISH, {"input": version_input()}, headers)
    assert "errors" not in published

    results = await asyncio.gather(
        *(gql(write_client, RECORD, headers=headers) for _ in range(200))
    )
    failures = [r for r in results if "errors" in r]
    assert not failures, failures[:3]
    counts = sorted(r["data"]["recordDownload"]["downloadCount"] for r in results)
    assert counts[-1] == 200

    body = await gql(write_client, COUNTS)
    assert body["data"]["model"] == {"downloadCount": 200, "version": {"downloadCount": 200}}


async def test_download_needs_a_writer(write_client, tokens):
    headers = Tokens.header(tokens.acme_writer)
    await create_model(write_client, tokens.acme_writer)
    await gql(write_client, PUBLISH, {"input": version_input()}, headers)
    reader = await gql(write_client, RECORD, headers=Tokens.header(tokens.acme_reader))
    assert error_of(reader)["type"] == "permission_denied"
    anonymous = await gql(write_client, RECORD)
    assert error_of(anonymous)["type"] == "authentication_error"
    body = await gql(write_client, COUNTS)
    assert body["data"]["model"]["downloadCount"] == 0
