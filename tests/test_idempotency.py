"""Idempotency-Key on mutations: a retry (also after a lost response) writes once and answers
the same; another body is refused; concurrent duplicates write once; keys expire."""

import asyncio
import contextlib
import json
from datetime import timedelta

import httpx
from sqlalchemy import func, select, update

from app.db.base import utcnow
from app.db.tables import IdempotencyKeyRow, ModelVersionRow
from tests.access_support import Tokens
from tests.test_download_counter import COUNTS, RECORD
from tests.test_publish import PUBLISH, create_model, version_input


def keyed(secret: str, key: str) -> dict[str, str]:
    return {**Tokens.header(secret), "Idempotency-Key": key}


async def post(client: httpx.AsyncClient, query: str, variables=None, headers=None):
    return await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )


async def count(engine, table) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table)))


async def downloads(client) -> int:
    body = (await post(client, COUNTS)).json()
    return int(body["data"]["model"]["downloadCount"])


async def published(client, tokens) -> None:
    await create_model(client, tokens.acme_writer)
    response = await post(
        client, PUBLISH, {"input": version_input()}, Tokens.header(tokens.acme_writer)
    )
    assert "errors" not in response.json()


async def lost_post(app, body: dict, headers: dict[str, str]) -> None:
    """POST /graphql whose response never reaches the client: the connection drops when the
    server starts sending it."""
    raw = json.dumps(body).encode()
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "server": ("catalog.test", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [(b"host", b"catalog.test"), (b"content-type", b"application/json")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"content-length", str(len(raw)).encode())],
    }
    sent = False

    async def receive():
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message):
        raise ConnectionResetError("the client went away")

    with contextlib.suppress(Exception):  # the server sees the connection reset
        await app(scope, receive, send)


async def test_retry_after_a_lost_response_writes_once_and_answers_the_same(
    write_client, fresh_engine, tokens
):
    await create_model(write_client, tokens.acme_writer)
    app = write_client._transport.app  # type: ignore[attr-defined]
    headers = keyed(tokens.acme_writer, "publish-1")
    body = {"query": PUBLISH, "variables": {"input": version_input()}}
    before = await count(fresh_engine, ModelVersionRow)
    await lost_post(app, body, headers)
    assert await count(fresh_engine, ModelVersionRow) == before + 1  # it was written

    retry = await write_client.post("/graphql", json=body, headers=headers)
    assert retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.headers["X-Request-ID"]
    answer = retry.json()
    assert "errors" not in answer, answer  # not the 409 a second publishVersion would get
    assert answer["data"]["publishVersion"]["version"] == "1.0.0"
    again = await write_client.post("/graphql", json=body, headers=headers)
    assert again.content == retry.content
    assert await count(fresh_engine, ModelVersionRow) == before + 1

    # Without the key, the same request is a second publish: refused as a duplicate.
    plain = await write_client.post(
        "/graphql", json=body, headers=Tokens.header(tokens.acme_writer)
    )
    assert plain.json()["errors"][0]["extensions"]["type"] == "already_exists"


async def test_same_key_same_body_counts_one_download(write_client, tokens):
    await published(write_client, tokens)
    headers = keyed(tokens.acme_writer, "download-1")
    first = await post(write_client, RECORD, headers=headers)
    second = await post(write_client, RECORD, headers=headers)
    assert first.json()["data"]["recordDownload"]["downloadCount"] == 1
    assert second.content == first.content
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert await downloads(write_client) == 1
    # Key order and spacing do not make another body.
    reordered = json.dumps({"variables": {}, "query": RECORD}, indent=2)
    third = await write_client.post(
        "/graphql", content=reordered, headers={**headers, "content-type": "application/json"}
    )
    assert third.content == first.content
    assert await downloads(write_client) == 1


async def test_same_key_with_another_body_is_a_validation_error(write_client, tokens):
    await published(write_client, tokens)
    headers = keyed(tokens.acme_writer, "k-2")
    await post(write_client, RECORD, headers=headers)
    other = RECORD.replace("downloadCount", "downloadCount version")
    refused = await post(write_client, other, headers=headers)
    assert refused.status_code == 422
    envelope = refused.json()
    assert envelope["type"] == "validation_error"
    assert "different request body" in envelope["detail"]
    assert refused.headers["X-Request-ID"]
    assert await downloads(write_client) == 1


async def test_keys_belong_to_a_token(write_client, tokens):
    await published(write_client, tokens)
    await post(write_client, RECORD, headers=keyed(tokens.acme_writer, "shared"))
    await post(write_client, RECORD, headers=keyed(tokens.acme_admin, "shared"))
    assert await downloads(write_client) == 2


async def test_concurrent_duplicates_write_once(write_client, tokens):
    await published(write_client, tokens)
    headers = keyed(tokens.acme_writer, "burst")
    answers = await asyncio.gather(*(post(write_client, RECORD, headers=headers) for _ in range(8)))
    assert await downloads(write_client) == 1
    counted = [a for a in answers if a.status_code == 200 and "errors" not in a.json()]
    assert counted and all(
        a.json()["data"]["recordDownload"]["downloadCount"] == 1 for a in counted
    )
    for other in answers:
        if other not in counted:  # in flight when the first had not finished: 409, no write
            body = other.json()
            envelope = body if "type" in body else body["errors"][0]["extensions"]
            assert envelope["type"] == "already_exists", body
            assert envelope["code"] == 409


async def test_expired_keys_are_purged_and_the_key_is_free_again(
    write_client, fresh_engine, tokens
):
    await published(write_client, tokens)
    headers = keyed(tokens.acme_writer, "old")
    await post(write_client, RECORD, headers=headers)
    async with fresh_engine.begin() as connection:
        await connection.execute(
            update(IdempotencyKeyRow).values(expires_at=utcnow() - timedelta(seconds=1))
        )
    await post(write_client, RECORD, headers=keyed(tokens.acme_writer, "new"))
    assert await count(fresh_engine, IdempotencyKeyRow) == 1  # "old" was purged
    again = await post(write_client, RECORD, headers=headers)
    assert again.json()["data"]["recordDownload"]["downloadCount"] == 3
    async with fresh_engine.connect() as connection:
        kept = await connection.scalar(select(IdempotencyKeyRow.expires_at).limit(1))
    assert kept is not None and kept > utcnow() + timedelta(hours=23)


async def test_a_refused_mutation_keeps_no_key(write_client, fresh_engine, tokens):
    headers = keyed(tokens.acme_writer, "refused")
    missing = await post(write_client, RECORD, headers=headers)  # no such model yet
    assert missing.json()["errors"][0]["extensions"]["type"] == "not_found"
    assert await count(fresh_engine, IdempotencyKeyRow) == 0
    query = await post(write_client, "{ viewer { role } }", headers=headers)
    assert query.json()["data"]["viewer"]["role"] == "writer"
    assert await count(fresh_engine, IdempotencyKeyRow) == 0


async def test_malformed_keys_are_refused(write_client, tokens):
    for key in (b"", b"x" * 256, "caf\u00e9".encode(), b"two words"):
        headers = {**Tokens.header(tokens.acme_writer), "Idempotency-Key": key}
        response = await post(write_client, RECORD, headers=headers)
        assert response.status_code == 422, key
        envelope = response.json()
        assert envelope["type"] == "validation_error"
        assert envelope["errors"][0]["loc"] == ["header", "Idempotency-Key"]


async def test_anonymous_keys_are_ignored(write_client):
    response = await post(write_client, RECORD, headers={"Idempotency-Key": "anon"})
    assert response.json()["errors"][0]["extensions"]["type"] == "authentication_error"
