"""The live catalog in one process: events in the outbox, subscribers, the leak probe over
events, webhook deliveries (signed, retried, logged) through a mock receiver."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from sqlalchemy import select

from app.auth import ANONYMOUS, Viewer
from app.db.engine import create_sessionmaker, create_write_sessionmaker
from app.db.event_tables import WebhookAttemptRow, WebhookDeliveryRow
from app.events import kinds, signing
from app.events.dispatch import Dispatcher
from app.events.hub import Hub
from app.events.settings import EventSettings
from tests.access_support import Tokens
from tests.conftest import gql
from tests.events_support import (
    ALIAS,
    CREATE,
    PRICE,
    PUBLISH,
    SCORES,
    Collector,
    drain,
    newest_event_id,
    ok,
    org_id,
    outbox_rows,
)

SECRET = "a-webhook-secret-of-some-length"
CREATE_HOOK = """mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { id url events filter isActive } }"""
DELIVERIES = """query($id: ID!) { webhook(id: $id) { deliveries(first: 10) { totalCount nodes {
  id eventKind status attempts responseCode lastError nextAttemptAt
  attemptLog { responseCode error } } } } }"""


async def test_mutations_emit_events_with_visibility(write_client, tokens, fresh_engine):
    start = await newest_event_id(fresh_engine)
    await ok(write_client, CREATE, {"input": {"organization": "acme", "slug": "secret-model",
             "name": "Secret", "isPublic": False}}, tokens.acme_writer)  # fmt: skip
    for version in ("1.0.0", "2.0.0"):
        await ok(write_client, PUBLISH, {"input": {"org": "acme", "name": "secret-model",
                 "version": version}}, tokens.acme_writer)  # fmt: skip
    await ok(write_client, ALIAS, {"org": "acme", "name": "secret-model", "alias": "prod",
             "version": "1.0.0"}, tokens.acme_writer)  # fmt: skip
    await ok(write_client, ALIAS, {"org": "acme", "name": "secret-model", "alias": "prod",
             "version": "2.0.0"}, tokens.acme_writer)  # fmt: skip
    price = {"provider": "openai", "org": "acme", "name": "secret-model",
             "inputPricePerM": 1.0, "outputPricePerM": 2.0}  # fmt: skip
    await ok(write_client, PRICE, {"input": price}, tokens.acme_writer)
    await ok(write_client, PRICE, {"input": {**price, "inputPricePerM": 1.5}}, tokens.acme_writer)
    rows = await outbox_rows(fresh_engine, start)
    seen = [(r.kind, r.payload.get("alias"), r.payload.get("from"), r.payload.get("to"))
            for r in rows]  # fmt: skip
    assert (kinds.ALIAS_SET, "prod", None, "1.0.0") in seen
    assert (kinds.ALIAS_MOVED, "prod", "1.0.0", "2.0.0") in seen
    assert [r.kind for r in rows].count(kinds.VERSION_PUBLISHED) == 2
    changed = next(r for r in rows if r.kind == kinds.PRICE_CHANGED)
    assert changed.payload["relativeChange"] == pytest.approx(0.5)
    assert changed.payload["old"]["inputPricePerM"] == 1.0
    acme = await org_id(fresh_engine, "acme")
    assert all(not r.is_public and r.organization_id == acme for r in rows)
    assert all(r.payload["model"] == "acme/secret-model" for r in rows)


async def test_leak_probe_over_events(write_client, tokens, fresh_engine):
    """Anonymous subscribers and another organization's subscribers and webhooks receive
    nothing about a private model; its own organization receives everything."""
    acme, globex = await org_id(fresh_engine, "acme"), await org_id(fresh_engine, "globex")
    settings = EventSettings(allow_private_webhook_urls=True, backoff_seconds=0.01)
    received: list[dict] = []

    def receive(request: httpx.Request) -> httpx.Response:
        received.append({"hook": request.url.path, **json.loads(request.content)})
        return httpx.Response(200)

    for secret, path in ((tokens.globex_writer, "/globex"), (tokens.acme_writer, "/acme")):
        await ok(write_client, CREATE_HOOK,
                 {"input": {"url": f"http://receiver.test{path}", "secret": SECRET}}, secret)  # fmt: skip
    hub = Hub(create_sessionmaker(fresh_engine), poll_seconds=0.05)
    await hub.start()
    anonymous = Collector(hub, ANONYMOUS)
    other = Collector(hub, Viewer(organization_id=globex, organization_slug="globex", role="admin"))
    own = Collector(hub, Viewer(organization_id=acme, organization_slug="acme", role="reader"))
    await asyncio.sleep(0.05)
    await ok(write_client, CREATE, {"input": {"organization": "acme", "slug": "hidden",
             "name": "Hidden", "isPublic": False}}, tokens.acme_writer)  # fmt: skip
    await ok(write_client, PUBLISH, {"input": {"org": "acme", "name": "hidden",
             "version": "1.0.0", "aliases": ["prod"]}}, tokens.acme_writer)  # fmt: skip
    await ok(write_client, PRICE, {"input": {"provider": "openai", "org": "acme",
             "name": "hidden", "inputPricePerM": 1.0, "outputPricePerM": 1.0}},
             tokens.acme_writer)  # fmt: skip
    await ok(write_client, SCORES, {"input": [{"org": "acme", "name": "hidden",
             "benchmark": "mmlu", "score": 99.9}]}, tokens.acme_writer)  # fmt: skip
    # The sentinel: a public change everyone may see, so silence is not a dead subscriber.
    await ok(write_client, CREATE, {"input": {"organization": "acme", "slug": "shown",
             "name": "Shown"}}, tokens.acme_writer)  # fmt: skip
    await drain(hub)
    dispatcher = Dispatcher(create_write_sessionmaker(fresh_engine), settings,
                            httpx.MockTransport(receive))  # fmt: skip
    async with httpx.AsyncClient(transport=httpx.MockTransport(receive)) as client:
        while await dispatcher.fan_out_once():
            pass
        while await dispatcher.deliver_due_once(client):
            pass
    for collector in (anonymous, other, own):
        await collector.stop()
    await hub.stop()

    def models(events) -> set[str]:
        return {e.payload.get("model") for e in events}

    assert models(anonymous.events) == models(other.events) == {"acme/shown"}
    assert {"acme/hidden", "acme/shown"} <= models(own.events)
    assert len({e.kind for e in own.events if e.payload["model"] == "acme/hidden"}) >= 5
    globex_hook = {r["model"] for r in received if r["hook"] == "/globex"}
    acme_hook = {r["model"] for r in received if r["hook"] == "/acme"}
    assert globex_hook == {"acme/shown"}
    assert {"acme/hidden", "acme/shown"} <= acme_hook


async def test_webhook_retries_until_the_third_attempt(write_client, tokens, fresh_engine):
    settings = EventSettings(allow_private_webhook_urls=True, backoff_seconds=0.01)
    calls: list[httpx.Request] = []

    def receive(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500 if len(calls) <= 2 else 204)

    hook = await ok(write_client, CREATE_HOOK, {"input": {"url": "http://receiver.test/hook",
                    "events": ["ALIAS_MOVED"], "secret": SECRET}}, tokens.acme_writer)  # fmt: skip
    hook_id = hook["data"]["createWebhook"]["id"]
    await ok(write_client, CREATE, {"input": {"organization": "acme", "slug": "m",
             "name": "M"}}, tokens.acme_writer)  # fmt: skip
    for version in ("1.0.0", "2.0.0"):
        await ok(write_client, PUBLISH, {"input": {"org": "acme", "name": "m",
                 "version": version}}, tokens.acme_writer)  # fmt: skip
    for version in ("1.0.0", "2.0.0"):
        await ok(write_client, ALIAS, {"org": "acme", "name": "m", "alias": "prod",
                 "version": version}, tokens.acme_writer)  # fmt: skip
    dispatcher = Dispatcher(create_write_sessionmaker(fresh_engine), settings)
    async with httpx.AsyncClient(transport=httpx.MockTransport(receive)) as client:
        await dispatcher.fan_out_once()
        for _ in range(200):
            await dispatcher.deliver_due_once(client)
            if len(calls) >= 3:
                break
            await asyncio.sleep(0.01)
    assert len(calls) == 3
    bodies = {c.content for c in calls}
    assert len(bodies) == 1, "every attempt sends the same body"
    for call in calls:
        assert signing.verify(SECRET, call.headers[signing.SIGNATURE_HEADER], call.content,
                              time.time())  # fmt: skip
        assert not signing.verify("another secret!!", call.headers[signing.SIGNATURE_HEADER],
                                  call.content, time.time())  # fmt: skip
    document = json.loads(calls[0].content)
    assert document["kind"] == kinds.ALIAS_MOVED and document["data"]["to"] == "2.0.0"
    log = await gql(write_client, DELIVERIES, {"id": hook_id}, Tokens.header(tokens.acme_writer))
    deliveries = log["data"]["webhook"]["deliveries"]
    assert deliveries["totalCount"] == 1
    (delivery,) = deliveries["nodes"]
    assert delivery["status"] == "DELIVERED" and delivery["attempts"] == 3
    assert [a["responseCode"] for a in delivery["attemptLog"]] == [500, 500, 204]
    assert delivery["responseCode"] == 204 and delivery["nextAttemptAt"] is None
    # Another organization cannot read the log, nor redeliver.
    other = await gql(
        write_client, DELIVERIES, {"id": hook_id}, Tokens.header(tokens.globex_writer)
    )
    assert other["data"]["webhook"] is None
    assert other["errors"][0]["extensions"]["type"] == "not_found"
    again = await gql(write_client, 'mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { status } }',
                      {"id": delivery["id"]}, Tokens.header(tokens.acme_writer))  # fmt: skip
    assert again["data"]["redeliverWebhook"]["status"] == "PENDING"


async def test_failing_receiver_gives_up_after_the_retry_window(fresh_engine, write_client, tokens):
    settings = EventSettings(allow_private_webhook_urls=True, backoff_seconds=0.01,
                             retry_seconds=0.0)  # fmt: skip
    await ok(write_client, CREATE_HOOK, {"input": {"url": "http://receiver.test/",
             "secret": SECRET}}, tokens.acme_writer)  # fmt: skip
    await ok(write_client, CREATE, {"input": {"organization": "acme", "slug": "z",
             "name": "Z"}}, tokens.acme_writer)  # fmt: skip
    dispatcher = Dispatcher(create_write_sessionmaker(fresh_engine), settings)
    transport = httpx.MockTransport(lambda request: httpx.Response(503))
    async with httpx.AsyncClient(transport=transport) as client:
        await dispatcher.fan_out_once()
        await dispatcher.deliver_due_once(client)
    async with fresh_engine.connect() as connection:
        statuses = (await connection.execute(select(WebhookDeliveryRow.status))).scalars().all()
        attempts = (
            (await connection.execute(select(WebhookAttemptRow.response_code))).scalars().all()
        )
    assert statuses == ["failed"] and attempts == [503]


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://example.com/hook", "http or https"),
        ("http://127.0.0.1:9/hook", "loopback or private"),
        ("http://10.1.2.3/hook", "loopback or private"),
        ("http://[::1]/hook", "loopback or private"),
        ("http://localhost/hook", "loopback or private"),
        ("http://169.254.169.254/latest", "loopback or private"),
    ],
)
async def test_webhook_urls_are_checked(write_client, tokens, url, why):
    body = await gql(write_client, CREATE_HOOK, {"input": {"url": url, "secret": SECRET}},
                     Tokens.header(tokens.acme_writer))  # fmt: skip
    error = body["errors"][0]["extensions"]
    assert error["type"] == "validation_error"
    assert why in error["errors"][0]["msg"] and error["errors"][0]["loc"] == ["input", "url"]


async def test_webhook_rules(write_client, tokens):
    hook = {"url": "https://hooks.example.com/x", "secret": SECRET}
    anonymous = await gql(write_client, CREATE_HOOK, {"input": hook})
    assert anonymous["errors"][0]["extensions"]["type"] == "authentication_error"
    reader = await gql(
        write_client, CREATE_HOOK, {"input": hook}, Tokens.header(tokens.acme_reader)
    )
    assert reader["errors"][0]["extensions"]["type"] == "permission_denied"
    bad = await gql(write_client, CREATE_HOOK,
                    {"input": {**hook, "secret": "short", "filter": {"nope": 1}}},
                    Tokens.header(tokens.acme_writer))  # fmt: skip
    locs = {tuple(e["loc"]) for e in bad["errors"][0]["extensions"]["errors"]}
    assert locs == {("input", "secret"), ("input", "filter")}
    made = await ok(write_client, CREATE_HOOK, {"input": {**hook, "events": ["PRICE_CHANGED"],
                    "filter": {"minRelativeChange": 0.1}}}, tokens.acme_writer)  # fmt: skip
    hook_id = made["data"]["createWebhook"]["id"]
    update = """mutation($id: ID!) { updateWebhook(id: $id, input: {isActive: false}) {
      isActive events filter } }"""
    other = await gql(write_client, update, {"id": hook_id}, Tokens.header(tokens.globex_writer))
    assert other["errors"][0]["extensions"]["type"] == "not_found"
    changed = await ok(write_client, update, {"id": hook_id}, tokens.acme_writer)
    assert changed["data"]["updateWebhook"] == {
        "isActive": False,
        "events": ["PRICE_CHANGED"],
        "filter": {"minRelativeChange": 0.1},
    }
    listed = await gql(write_client, "{ webhooks { totalCount nodes { id } } }",
                       headers=Tokens.header(tokens.acme_admin))  # fmt: skip
    assert listed["data"]["webhooks"]["totalCount"] == 1
    delete = "mutation($id: ID!) { deleteWebhook(id: $id) }"
    assert (await ok(write_client, delete, {"id": hook_id}, tokens.acme_writer))["data"] == {
        "deleteWebhook": hook_id
    }
    gone = await gql(write_client, delete, {"id": hook_id}, Tokens.header(tokens.acme_writer))
    assert gone["errors"][0]["extensions"]["type"] == "not_found"
