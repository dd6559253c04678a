"""The live catalog across real processes: uvicorn workers, a WebSocket client speaking
graphql-transport-ws, `catalog import` in its own process, a local webhook receiver.

On PostgreSQL two workers share the database and wake each other (LISTEN/NOTIFY, or Redis
pub/sub); on SQLite one worker does everything (the embedded default is one process).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import pytest
import redis
import websockets
from sqlalchemy import select

from app.db.event_tables import OutboxEventRow
from app.events import kinds, signing
from tests.databases import in_ci
from tests.events_support import ALIAS, CREATE, PUBLISH, newest_event_id
from tests.live_support import Receiver, Worker, cli, subscribe, workers

LITELLM = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "litellm"
SECRET = "a-webhook-secret-of-some-length"
ALIAS_MOVED = """subscription($org: String!, $name: String!) {
  aliasMoved(org: $org, name: $name) { id kind model data } }"""
EVERYTHING = "subscription { catalogEvents { id kind model isPublic data } }"
PRICES = "subscription { priceChanged { id kind model data } }"
HOOK = """mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }"""
LOG = """query($id: ID!) { webhook(id: $id) { deliveries { nodes {
  status attempts responseCode attemptLog { responseCode } } } } }"""


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _two_workers(engine, wakeup: str) -> tuple[dict[str, str], dict[str, str]]:
    env: dict[str, str] = {}
    if wakeup == "redis":
        url = "redis://127.0.0.1:6379/0"
        try:
            redis.Redis.from_url(url, socket_timeout=2).ping()
        except redis.RedisError:
            if in_ci():
                pytest.fail("Redis is not reachable; CI must run this test")
            pytest.skip("Redis at 127.0.0.1:6379 is not reachable")
        env = {"REDIS_URL": url}
    return env, dict(env)


async def _model_with_versions(worker: Worker, token: str, slug: str, public: bool = True):
    await worker.gql(CREATE, {"input": {"organization": "acme", "slug": slug, "name": slug,
                                        "isPublic": public}}, token)  # fmt: skip
    for version in ("1.0.0", "2.0.0"):
        await worker.gql(PUBLISH, {"input": {"org": "acme", "name": slug, "version": version,
                                             **({"aliases": ["prod"]} if version == "1.0.0" else {})}},
                         token)  # fmt: skip


async def _move(worker: Worker, token: str, slug: str, version: str) -> None:
    await worker.gql(
        ALIAS, {"org": "acme", "name": slug, "alias": "prod", "version": version}, token
    )


@pytest.mark.parametrize("wakeup", ["notify", "redis"])
async def test_alias_move_through_another_worker_arrives_once(
    fresh_engine, tokens, tmp_path, wakeup
):
    backend = fresh_engine.dialect.name
    if backend == "sqlite" and wakeup == "redis":
        pytest.skip("the SQLite default serves from one process: no cross-worker wake-up")
    envs = _two_workers(fresh_engine, wakeup) if backend == "postgresql" else ({},)
    with workers(_url(fresh_engine), tmp_path, *envs) as started:
        listener, writer = started[0], started[-1]
        await _model_with_versions(writer, tokens.acme_writer, "shown")
        await _model_with_versions(writer, tokens.acme_writer, "hidden", public=False)
        async with (
            subscribe(listener.ws, ALIAS_MOVED, {"org": "acme", "name": "shown"}) as moves,
            subscribe(listener.ws, EVERYTHING) as anonymous,
            subscribe(listener.ws, EVERYTHING, token=tokens.globex_writer) as other,
            subscribe(listener.ws, EVERYTHING, token=tokens.acme_reader) as own,
        ):
            await _move(writer, tokens.acme_writer, "hidden", "2.0.0")
            await _move(writer, tokens.acme_writer, "shown", "2.0.0")
            event = await moves.next()
            assert event["kind"] == "ALIAS_MOVED" and event["model"] == "acme/shown"
            assert event["data"] == {"alias": "prod", "from": "1.0.0", "to": "2.0.0"}
            assert (await moves.quiet_for(1.0)) == [event], "exactly once"
            for stranger in (anonymous, other):
                got = await stranger.quiet_for(1.0)
                assert [e["model"] for e in got] == ["acme/shown"]
            await own.collect_until(lambda r: len(r) >= 2)
            assert {e["model"] for e in own.received} == {"acme/hidden", "acme/shown"}


async def test_litellm_import_price_changes_arrive_once(fresh_engine, tmp_path):
    older, newer = sorted(p for p in LITELLM.iterdir() if p.is_dir())
    url = _url(fresh_engine)
    with workers(url, tmp_path, {}) as (worker,):
        async with subscribe(worker.ws, PRICES) as prices:
            start = await newest_event_id(fresh_engine)
            for snapshot in (older, newer):
                done = cli(url, "import", "litellm", str(snapshot))
                assert done.returncode in (0, 1), done.stderr
            async with fresh_engine.connect() as connection:
                expected = set(
                    (await connection.execute(
                        select(OutboxEventRow.id).where(OutboxEventRow.id > start,
                                                        OutboxEventRow.kind == kinds.PRICE_CHANGED)
                    )).scalars().all()
                )  # fmt: skip
            assert len(expected) > 10, "the newer snapshot changes real prices"
            await prices.collect_until(lambda r: len(r) >= len(expected))
            ids = [int(e["id"]) for e in await prices.quiet_for(1.0)]
            assert len(ids) == len(set(ids)) == len(expected), "each exactly once"
            assert set(ids) == expected
            sample = prices.received[0]["data"]
            assert {"provider", "old", "new", "relativeChange"} <= set(sample)


async def test_receiver_failing_twice_gets_the_third_attempt(fresh_engine, tokens, tmp_path):
    receiver = Receiver(answers=[500, 500])
    try:
        with workers(_url(fresh_engine), tmp_path, {}) as (worker,):
            hook = await worker.gql(HOOK, {"input": {"url": receiver.url, "secret": SECRET,
                                                     "events": ["ALIAS_MOVED"]}},
                                    tokens.acme_writer)  # fmt: skip
            await _model_with_versions(worker, tokens.acme_writer, "m")
            await _move(worker, tokens.acme_writer, "m", "2.0.0")
            await receiver.wait_for(3)
            for headers, body in receiver.requests:
                assert signing.verify(SECRET, headers[signing.SIGNATURE_HEADER], body, time.time())
            assert len({body for _, body in receiver.requests}) == 1
            log = await worker.gql(LOG, {"id": hook["createWebhook"]["id"]}, tokens.acme_writer)
            for _ in range(100):  # the outcome is recorded just after the answer
                (delivery,) = log["webhook"]["deliveries"]["nodes"]
                if delivery["status"] == "DELIVERED":
                    break
                time.sleep(0.05)
                log = await worker.gql(LOG, {"id": hook["createWebhook"]["id"]}, tokens.acme_writer)
            assert delivery == {"status": "DELIVERED", "attempts": 3, "responseCode": 200,
                                "attemptLog": [{"responseCode": 500}, {"responseCode": 500},
                                               {"responseCode": 200}]}  # fmt: skip
    finally:
        receiver.close()


async def test_killed_workers_lose_no_webhook(fresh_engine, tokens, tmp_path):
    """A worker killed after the commit (before fan-out), and one killed in the middle of an
    attempt: the next worker delivers both events from the outbox."""
    hold = threading.Event()
    receiver = Receiver(hold=hold)
    url = _url(fresh_engine)
    started: list[Worker] = []
    try:
        first = Worker(url, tmp_path / "first.log", CATALOG_WEBHOOKS_DISPATCH="0")
        started.append(first)
        await first.gql(HOOK, {"input": {"url": receiver.url, "secret": SECRET,
                                         "events": ["ALIAS_MOVED"]}}, tokens.acme_writer)  # fmt: skip
        await _model_with_versions(first, tokens.acme_writer, "m")
        await _move(first, tokens.acme_writer, "m", "2.0.0")  # committed, not delivered
        first.kill()
        second = Worker(url, tmp_path / "second.log")
        started.append(second)
        await receiver.wait_for(1)  # the attempt is in flight: the receiver holds it
        second.kill()
        hold.set()
        third = Worker(url, tmp_path / "third.log")
        started.append(third)
        await _move(third, tokens.acme_writer, "m", "1.0.0")
        await receiver.wait_for(3)  # the interrupted one again (after its lease), the new one
        moves = {(b["data"]["from"], b["data"]["to"]) for b in receiver.bodies()}
        assert moves == {("1.0.0", "2.0.0"), ("2.0.0", "1.0.0")}
    finally:
        for worker in started:
            worker.stop()
        receiver.close()


async def test_connection_limits(fresh_engine, tokens, tmp_path):
    if fresh_engine.dialect.name != "sqlite":
        pytest.skip("the limits do not depend on the database")
    env = {
        "CATALOG_MAX_SUBSCRIPTIONS_PER_CONNECTION": "2",
        "CATALOG_SUBSCRIPTION_IDLE_SECONDS": "1",
    }
    with workers(_url(fresh_engine), tmp_path, env) as (worker,):
        async with websockets.connect(worker.ws, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init",
                                      "payload": {"Authorization": "Bearer mcat_not-a-token"}}))  # fmt: skip
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 30)
            assert closed.value.rcvd.code == 4403
        async with websockets.connect(worker.ws, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            assert json.loads(await ws.recv())["type"] == "connection_ack"
            for n in range(3):
                await ws.send(json.dumps({"id": str(n), "type": "subscribe",
                                          "payload": {"query": EVERYTHING}}))  # fmt: skip
            refused = json.loads(await asyncio.wait_for(ws.recv(), 30))
            assert refused["id"] == "2" and refused["type"] == "error"
            assert "limit" in refused["payload"][0]["message"]
        async with websockets.connect(worker.ws, subprotocols=["graphql-transport-ws"]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            await ws.recv()
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:  # idle: no subscription, no message
                    await asyncio.wait_for(ws.recv(), 60)
            assert closed.value.rcvd.code == 4408
