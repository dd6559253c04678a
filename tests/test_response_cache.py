"""The response cache over HTTP (ASGI client), on SQLite and PostgreSQL: hits and misses, what
is never cached, reads right after every kind of write, the revision triggers, persisted
queries, trusted documents, ETag/304 and compression."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.cache.counters import counters
from app.commands.seed import load_seeds
from app.db.engine import create_sessionmaker
from app.db.revision_triggers import UNTRACKED
from app.db.tables import Base
from app.settings import PROJECT_ROOT
from tests.access_support import Tokens
from tests.cache_support import cached_client

MODELS = "query Page($first: Int!) { models(first: $first) { totalCount nodes { canonicalName } } }"
ORGS = "{ organizations(first: 100) { nodes { slug name } } }"


async def post(http: httpx.AsyncClient, query: str, variables: Any = None, **kw: Any) -> Any:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    response = await http.post("/graphql", json=payload, **kw)
    assert response.status_code == 200, response.text
    return response.json()


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


# --- hits, misses, what is not cached --------------------------------------------------------


async def test_a_repeated_query_is_a_hit_with_the_same_answer(seeded_engine: AsyncEngine) -> None:
    async with cached_client(seeded_engine, debug=True) as http:
        first = await post(http, MODELS, {"first": 3})
        again = await post(http, MODELS, {"first": 3})
        # The same document written differently is the same entry (normalized).
        spaced = await post(http, MODELS.replace(" ", "  ").replace("{", "{\n"), {"first": 3})
        other = await post(http, MODELS, {"first": 4})
        assert counters.entries == 2 and counters.bytes > 0
    assert first["extensions"]["cache"] == "MISS"
    assert again["extensions"]["cache"] == "HIT"
    assert spaced["extensions"]["cache"] == "HIT"
    assert other["extensions"]["cache"] == "MISS"
    assert first["data"] == again["data"] == spaced["data"]
    assert len(other["data"]["models"]["nodes"]) == 4
    assert (counters.hits, counters.misses, counters.stores) == (2, 2, 2)


async def test_without_debug_the_answer_carries_no_cache_marker(
    seeded_engine: AsyncEngine,
) -> None:
    async with cached_client(seeded_engine) as http:
        for _ in range(2):
            body = await post(http, MODELS, {"first": 1})
            assert "cache" not in body.get("extensions", {})
    assert counters.hits == 1


@pytest.mark.parametrize(
    "query",
    [
        "{ viewer { isAnonymous } }",
        "{ ...V } fragment V on Query { viewer { isAnonymous } }",
        '{ model(org: "nope", name: "nope") { id } }',  # an error: never stored
    ],
)
async def test_uncacheable_answers_are_computed_every_time(
    seeded_engine: AsyncEngine, query: str
) -> None:
    async with cached_client(seeded_engine, debug=True) as http:
        for _ in range(2):
            body = await post(http, query)
            assert body.get("extensions", {}).get("cache") is None
    assert counters.hits == 0 and counters.stores == 0


async def test_scopes_never_share_entries(fresh_engine: AsyncEngine, tokens: Tokens) -> None:
    async with cached_client(fresh_engine, debug=True) as http:
        acme = Tokens.header(tokens.acme_writer)
        create = "mutation($i: CreateModelInput!) { createModel(input: $i) { id } }"
        i = {"organization": "acme", "slug": "hidden", "name": "Hidden", "isPublic": False}
        assert "errors" not in await post(http, create, {"i": i}, headers=acme)
        query = '{ model(org: "acme", name: "hidden") { name } }'
        reader = Tokens.header(tokens.acme_reader)
        seen = await post(http, query, headers=reader)
        assert seen["data"]["model"] == {"name": "Hidden"}
        assert (await post(http, query, headers=reader))["extensions"]["cache"] == "HIT"
        for headers in (None, Tokens.header(tokens.globex_writer)):
            outsider = await post(http, query, headers=headers)
            assert outsider["data"]["model"] is None
            assert outsider["errors"][0]["extensions"]["type"] == "not_found"


async def test_hits_are_rate_limited_like_any_request(seeded_engine: AsyncEngine) -> None:
    from app.http.rate_limit import MemoryRateLimiter

    limiter = MemoryRateLimiter(3, clock=lambda: 1_000_000.0)
    async with cached_client(seeded_engine, rate_limiter=limiter) as http:
        payload = {"query": MODELS, "variables": {"first": 1}}
        statuses = [(await http.post("/graphql", json=payload)).status_code for _ in range(4)]
        assert counters.hits == 2
    assert statuses == [200, 200, 200, 429]


# --- a read right after every kind of write ---------------------------------------------------


FILES = [{"path": "w.bin", "oid": "ab" * 32, "sizeBytes": 10}]
FRESH = '{ model(org: "acme", name: "fresh") { description versions { totalCount } aliases { name } topScores(limit: 5) { score } providers { inputPricePerM } } }'  # fmt: skip
# (mutation, variables, read, what the read must show after it): every kind of catalog write.
WRITES: list[tuple[str, dict[str, Any], str, Any]] = [
    ("mutation($i: OrganizationInput!) { createOrganization(input: $i) { slug } }",
     {"i": {"slug": "initech", "name": "Initech"}}, ORGS,
     lambda d: "initech" in [o["slug"] for o in d["organizations"]["nodes"]]),
    ('mutation { updateModel(org: "acme", name: "fresh", input: {description: "changed"}) { id } }',
     {}, FRESH, lambda d: d["model"]["description"] == "changed"),
    ("mutation($i: PublishVersionInput!) { publishVersion(input: $i) { id } }",
     {"i": {"org": "acme", "name": "fresh", "version": "1.0.0", "files": FILES}}, FRESH,
     lambda d: d["model"]["versions"]["totalCount"] == 1),
    ('mutation { setAlias(org: "acme", name: "fresh", alias: "stable", version: "1.0.0") { name } }',
     {}, FRESH, lambda d: "stable" in [a["name"] for a in d["model"]["aliases"]]),
    ("""mutation { recordScores(input: [{org: "acme", name: "fresh", benchmark: "mmlu",
        score: 42, sourceUrl: "https://example.org/s"}]) { id } }""",
     {}, FRESH, lambda d: [s["score"] for s in d["model"]["topScores"]] == [42]),
    ("""mutation($p: String!) { setPricing(input: {provider: $p, org: "acme", name: "fresh",
        inputPricePerM: 1.5, outputPricePerM: 2}) { providerId } }""",
     {"p": "PROVIDER"}, FRESH, lambda d: [p["inputPricePerM"] for p in d["model"]["providers"]] == [1.5]),
    ('mutation { deleteVersion(org: "acme", name: "fresh", version: "1.0.0") { id } }',
     {}, FRESH, lambda d: d["model"]["versions"]["totalCount"] == 0),
]  # fmt: skip


async def test_a_read_right_after_each_kind_of_mutation_sees_it(
    fresh_engine: AsyncEngine, tokens: Tokens
) -> None:
    writer, admin = Tokens.header(tokens.acme_writer), Tokens.header(tokens.acme_admin)
    async with cached_client(fresh_engine, debug=True) as http:
        provider = (await post(http, "{ providers(first: 1) { nodes { slug } } }"))["data"]
        before = await post(http, MODELS, {"first": 1})
        create = "mutation($i: CreateModelInput!) { createModel(input: $i) { id } }"
        i = {"organization": "acme", "slug": "fresh", "name": "Fresh"}
        assert "errors" not in await post(http, create, {"i": i}, headers=writer)
        after = await post(http, MODELS, {"first": 1})
        assert after["extensions"]["cache"] == "MISS"
        assert after["data"]["models"]["totalCount"] == before["data"]["models"]["totalCount"] + 1
        for mutation, variables, read, shows in WRITES:
            if variables.get("p") == "PROVIDER":
                variables = {"p": provider["providers"]["nodes"][0]["slug"]}
            await post(http, read)
            assert (await post(http, read))["extensions"]["cache"] == "HIT"
            who = admin if "createOrganization" in mutation else writer
            done = await post(http, mutation, variables, headers=who)
            assert "errors" not in done, done
            seen = await post(http, read)
            assert seen["extensions"]["cache"] == "MISS", mutation
            assert shows(seen["data"]), (mutation, seen)


async def _revision(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text("SELECT value FROM catalog_revision"))).scalar())


async def _notified(http: httpx.AsyncClient, engine: AsyncEngine) -> None:
    """PostgreSQL: a write from outside the server reaches it by NOTIFY; wait for delivery
    (the README's guarantee). SQLite checks the revision itself on every hit."""
    if engine.dialect.name != "postgresql":
        return
    source = http.app.state.response_cache.revision  # type: ignore[attr-defined]
    target = await _revision(engine)
    for _ in range(500):
        if (source.current() or 0) >= target:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no notification of revision {target}")


async def test_writes_outside_the_server_are_seen(fresh_engine: AsyncEngine) -> None:
    """`catalog org create`, `token create`, `seed`, `import` and raw SQL all write through
    other connections (other processes in real life): the triggers bump the revision."""
    from app import admin
    from app.settings import Settings

    settings = Settings(database_url=fresh_engine.url.render_as_string(hide_password=False))
    async with cached_client(fresh_engine, debug=True) as http:
        await post(http, ORGS)
        assert (await post(http, ORGS))["extensions"]["cache"] == "HIT"

        await admin.create_organization(settings, "zeta", "Zeta")
        await _notified(http, fresh_engine)
        orgs = await post(http, ORGS)
        assert orgs["extensions"]["cache"] == "MISS"
        assert "zeta" in [o["slug"] for o in orgs["data"]["organizations"]["nodes"]]

        revision = await _revision(fresh_engine)
        await admin.create_token(settings, "zeta", "reader", None)
        assert await _revision(fresh_engine) > revision

        async with fresh_engine.begin() as connection:
            await connection.execute(text("UPDATE organizations SET name = 'Zeta Raw' WHERE slug = 'zeta'"))  # fmt: skip
        await _notified(http, fresh_engine)
        names = {o["slug"]: o["name"] for o in (await post(http, ORGS))["data"]["organizations"]["nodes"]}  # fmt: skip
        assert names["zeta"] == "Zeta Raw"

        # The seed puts the demo catalog back (it rewrites what differs): a write like any.
        async with fresh_engine.begin() as connection:
            await connection.execute(text("UPDATE organizations SET name = 'X' WHERE slug = 'meta'"))  # fmt: skip
        await _notified(http, fresh_engine)
        await post(http, ORGS)
        await load_seeds(create_sessionmaker(fresh_engine), PROJECT_ROOT / "seeds")
        await _notified(http, fresh_engine)
        names = {o["slug"]: o["name"] for o in (await post(http, ORGS))["data"]["organizations"]["nodes"]}  # fmt: skip
        assert names["meta"] != "X"


async def test_every_catalog_table_has_revision_triggers(fresh_engine: AsyncEngine) -> None:
    tables = {t for t in Base.metadata.tables if t not in UNTRACKED}
    async with fresh_engine.connect() as connection:
        if fresh_engine.dialect.name == "postgresql":
            rows = await connection.execute(
                text("SELECT DISTINCT event_object_table FROM information_schema.triggers")
            )
        else:
            rows = await connection.execute(
                text("SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'")
            )
        triggered = {row[0] for row in rows}
    assert tables - triggered == set()


async def test_a_rolled_back_write_does_not_bump_and_a_committed_one_does(
    fresh_engine: AsyncEngine,
) -> None:
    before = await _revision(fresh_engine)
    async with fresh_engine.connect() as connection:
        await connection.execute(text("UPDATE licenses SET name = name || '!'"))
        await connection.rollback()
    assert await _revision(fresh_engine) == before
    async with fresh_engine.begin() as connection:
        await connection.execute(text("UPDATE licenses SET name = name || '!'"))
        await connection.execute(text("UPDATE families SET name = name || '!'"))
    assert await _revision(fresh_engine) > before


# --- persisted queries and trusted documents --------------------------------------------------


def _apq(query_hash: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": query_hash}}


async def test_automatic_persisted_queries(seeded_engine: AsyncEngine) -> None:
    async with cached_client(seeded_engine) as http:
        variables = {"first": 2}
        unknown = await http.post(
            "/graphql", json={"variables": variables, "extensions": _apq(sha(MODELS))}
        )
        error = unknown.json()["errors"][0]
        assert error["message"] == "PersistedQueryNotFound"
        assert error["extensions"]["type"] == "persisted_query_not_found"
        registered = await http.post(
            "/graphql",
            json={"query": MODELS, "variables": variables, "extensions": _apq(sha(MODELS))},
        )
        by_hash = await http.post(
            "/graphql", json={"variables": variables, "extensions": _apq(sha(MODELS))}
        )
        by_get = await http.get(
            "/graphql",
            params={
                "variables": json.dumps(variables),
                "extensions": json.dumps(_apq(sha(MODELS))),
            },
        )
        wrong = await http.post(
            "/graphql", json={"query": "{ __typename }", "extensions": _apq(sha(MODELS))}
        )
    assert registered.json()["data"]["models"]["nodes"]
    assert by_hash.json()["data"] == registered.json()["data"] == by_get.json()["data"]
    assert wrong.json()["errors"][0]["extensions"]["type"] == "invalid_request"
    assert "data" not in wrong.json()


async def test_apq_works_with_the_cache_off(seeded_engine: AsyncEngine) -> None:
    async with cached_client(seeded_engine, response_cache=False) as http:
        payload = {"query": ORGS, "extensions": _apq(sha(ORGS))}
        assert (await http.post("/graphql", json=payload)).json()["data"]
        hashed = (await http.post("/graphql", json={"extensions": _apq(sha(ORGS))})).json()
    assert hashed["data"]["organizations"]["nodes"]


async def test_anonymous_callers_run_only_trusted_documents(
    fresh_engine: AsyncEngine, tokens: Tokens, tmp_path: Path
) -> None:
    (tmp_path / "orgs.graphql").write_text(ORGS)
    async with cached_client(
        fresh_engine, trusted_documents=tmp_path, anonymous_trusted_only=True
    ) as http:
        # Trusted: by text (any spacing), and by hash alone.
        assert (await post(http, ORGS.replace(" ", "   ")))["data"]
        hashed = await http.post("/graphql", json={"extensions": _apq(sha(ORGS))})
        assert hashed.json()["data"]["organizations"]["nodes"]
        refused = await http.post("/graphql", json={"query": MODELS, "variables": {"first": 1}})
        assert refused.json()["errors"][0]["extensions"]["type"] == "permission_denied"
        with_token = await post(
            http, MODELS, {"first": 1}, headers=Tokens.header(tokens.acme_reader)
        )
        assert with_token["data"]["models"]["nodes"]


def test_catalog_operations_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import main

    (tmp_path / "orgs.graphql").write_text("query Orgs " + ORGS)
    (tmp_path / "two.graphql").write_text("query A { __typename } query B { __typename }")
    assert main(["operations", "list", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert sha("query Orgs " + ORGS) in out and "Orgs" in out and "A, B" in out
    (tmp_path / "bad.graphql").write_text("query {")
    assert main(["operations", "list", "--dir", str(tmp_path)]) == 3
    assert "bad.graphql does not parse" in capsys.readouterr().err


# --- HTTP caching and compression -------------------------------------------------------------


async def test_get_queries_and_rest_gets_revalidate_with_304(
    seeded_engine: AsyncEngine,
) -> None:
    for cache_on in (True, False):
        async with cached_client(seeded_engine, response_cache=cache_on) as http:
            for url, params in (
                ("/graphql", {"query": MODELS, "variables": '{"first": 2}'}),
                ("/v1/models", {"limit": "3"}),
            ):
                first = await http.get(url, params=params)
                assert first.status_code == 200
                etag = first.headers["etag"]
                assert first.headers["cache-control"] == "public, max-age=0"
                again = await http.get(url, params=params, headers={"if-none-match": etag})
                assert again.status_code == 304, (cache_on, url)
                assert again.content == b"" and again.headers["etag"] == etag
                changed = await http.get(url, params=params, headers={"if-none-match": '"x"'})
                assert changed.status_code == 200 and changed.content == first.content


async def test_token_answers_are_private(fresh_engine: AsyncEngine, tokens: Tokens) -> None:
    async with cached_client(fresh_engine, http_max_age=30) as http:
        anonymous = await http.get("/v1/models", params={"limit": "1"})
        private = await http.get(
            "/v1/models", params={"limit": "1"}, headers=Tokens.header(tokens.acme_reader)
        )
    assert anonymous.headers["cache-control"] == "public, max-age=30"
    assert private.headers["cache-control"] == "private, no-cache"
    assert "Authorization" in private.headers["vary"]


@pytest.mark.parametrize("cache_on", [True, False])
async def test_compressed_and_plain_answers_are_equal(
    seeded_engine: AsyncEngine, cache_on: bool
) -> None:
    async with cached_client(seeded_engine, response_cache=cache_on) as http:
        requests = [
            ("POST", "/graphql", {"json": {"query": MODELS, "variables": {"first": 50}}}),
            ("GET", "/v1/models", {"params": {"limit": "100"}}),
            ("GET", "/static/graphiql/graphiql.min.css", {}),
        ]
        for method, url, kw in requests:
            plain = await http.request(method, url, headers={"accept-encoding": "identity"}, **kw)
            assert "content-encoding" not in plain.headers
            for encoding in ("gzip", "br"):
                for _ in range(2):  # computed, then (with the cache on) served kept
                    packed = await http.request(
                        method, url, headers={"accept-encoding": encoding}, **kw
                    )
                    assert packed.headers["content-encoding"] == encoding, url
                    assert "accept-encoding" in packed.headers["vary"].lower()
                    assert int(packed.headers["content-length"]) < len(plain.content)
                    # httpx decodes by Content-Encoding: the decoded bytes are the plain ones.
                    assert packed.content == plain.content
        small = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"accept-encoding": "gzip"}
        )
    assert "content-encoding" not in small.headers
