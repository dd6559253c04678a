"""Issue 8, items 1, 2 and 4 at the HTTP level, on SQLite and PostgreSQL: everything a client can
send is a 4xx envelope with `X-Request-ID`; whatever the database does (down, slow, not
migrated) the answer is the envelope with a clean detail; no body ever shows driver text, SQL,
a host:port, a suggestion or a traceback.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.db.engine import create_engine
from app.main import create_app
from app.settings import Settings
from tests.conftest import client_for
from tests.databases import DatabaseFactory
from tests.http_support import free_port

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON_BODY = {"content-type": "application/json", "accept": GRAPHQL_RESPONSE}

# Nothing of the driver, the SQL, the network or the schema's spelling reaches a client.
LEAKS = re.compile(
    r"Traceback|SELECT |\[SQL|sqlite3|asyncpg|psycopg|Errno|OperationalError|ProgrammingError"
    r"|DBAPIError|sqlalche\.me|Connect call failed|\b\d{1,3}(\.\d{1,3}){3}\b|localhost"
    r"|', \d+\)|Did you mean|statement timeout|no such table|relation \"",
)


def gid(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


def post_raw(body: bytes) -> dict[str, Any]:
    return {"method": "POST", "url": "/graphql", "content": body, "headers": JSON_BODY}


def post(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    return post_raw(json.dumps({"query": query, "variables": variables or {}}).encode())


@dataclass
class Case:
    name: str
    request: dict[str, Any]
    type: str
    # Headers the response must carry (lower-case name: expected value or None for "present").
    headers: dict[str, str | None] = field(default_factory=dict)


NODE = "query($id: ID!) { node(id: $id) { id } }"
SEARCH = "query($s: String) { models(filter: {search: $s}) { totalCount } }"
ORG = "query($s: String!) { organization(slug: $s) { slug } }"
COST = (
    "{ estimateCost(inputTokens: %s, outputTokens: 1, "
    'org: "meta", name: "llama-chat-8b") { currency } }'
)

CLIENT_CASES = [
    # A JSON body that is not an object, is not UTF-8 or is nested too deep.
    *(
        Case(f"body {raw.decode()}", post_raw(raw), "invalid_request")
        for raw in (b"null", b"123", b'"str"', b"[]", b"true")
    ),
    Case("body not UTF-8", post_raw(b'{"query": "{ __typename \xff }"}'), "invalid_request"),
    Case(
        "body latin-1",
        post_raw('{"query": "{ __typename }", "x": "é"}'.encode("latin-1")),
        "invalid_request",
    ),
    Case(
        "variables 1,000 deep",
        post_raw(
            b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 1000 + b"]" * 1000 + b"}}"
        ),
        "invalid_request",
    ),
    Case(
        "variables 100,000 deep",
        post_raw(
            b'{"query": "{ __typename }", "variables": {"a": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}}"
        ),
        "invalid_request",
    ),
    Case(
        "extensions 1,000 deep",
        post_raw(
            b'{"query": "{ __typename }", "extensions": '
            + b'{"a":' * 1000
            + b"1"
            + b"}" * 1000
            + b"}"
        ),
        "invalid_request",
    ),
    Case(
        "GET variables 1,000 deep",
        {
            "method": "GET",
            "url": "/graphql",
            "params": {
                "query": "{ __typename }",
                "variables": '{"a":' + "[" * 1000 + "]" * 1000 + "}",
            },
            "headers": {"accept": GRAPHQL_RESPONSE},
        },
        "invalid_request",
    ),
    Case(
        "integer of 5,000 digits",
        post_raw(b'{"query": "{ __typename }", "variables": {"a": ' + b"9" * 5000 + b"}}"),
        "invalid_request",
    ),
    # BigInt literals out of range or of the wrong kind (variables were already refused).
    Case("BigInt literal 2^63", post(COST % "9223372036854775808"), "invalid_request"),
    Case("BigInt literal -2^63-1", post(COST % "-9223372036854775809"), "invalid_request"),
    Case(
        "BigInt literal 1.5",
        post("{ models(filter: {paramCount: {min: 1.5}}) { totalCount } }"),
        "invalid_request",
    ),
    Case(
        "BigInt literal 1e400",
        post("{ models(filter: {paramCount: {min: 1e400}}) { totalCount } }"),
        "invalid_request",
    ),
    Case(
        "BigInt literal true",
        post("{ models(filter: {paramCount: {min: true}}) { totalCount } }"),
        "invalid_request",
    ),
    Case(
        "BigInt literal string",
        post('{ models(filter: {paramCount: {min: "1_0"}}) { totalCount } }'),
        "invalid_request",
    ),
    Case(
        "BigInt variable 2^63",
        post(
            "query($n: BigInt!) { models(filter: {paramCount: {min: $n}}) { totalCount } }",
            {"n": 2**63},
        ),
        "invalid_request",
    ),
    # Global ids: out of PostgreSQL's integer range, or not the canonical spelling.
    *(
        Case(f"node id {raw!r}", post(NODE, {"id": gid(raw)}), "invalid_request")
        for raw in (
            "Model:2147483648",
            "Model:" + "9" * 30,
            "Model:+01",
            "Model:01",
            "Model:-1",
            "Model: 1",
            "Model:1_0",
            "Model:\u0661",  # ARABIC-INDIC DIGIT ONE
            "Model:\uff11",  # FULLWIDTH DIGIT ONE
            ":1",
        )
    ),
    Case("node id not base64", post(NODE, {"id": "!!!"}), "invalid_request"),
    Case("node id non-ASCII", post(NODE, {"id": "Mödel"}), "invalid_request"),
    Case(
        "estimateCost model id 2^31",
        post(
            "query($id: ID!) { estimateCost(inputTokens: 1, outputTokens: 1, model: $id) { currency } }",
            {"id": gid("Model:2147483648")},
        ),
        "invalid_request",
    ),
    # Lone surrogates, in a variable's value, a key, a GET parameter.
    Case(
        "lone surrogate in a variable",
        post_raw(b'{"query": "' + SEARCH.encode() + b'", "variables": {"s": "\\ud800"}}'),
        "invalid_request",
    ),
    Case(
        "lone low surrogate",
        post_raw(b'{"query": "' + ORG.encode() + b'", "variables": {"s": "a\\udfff"}}'),
        "invalid_request",
    ),
    Case(
        "lone surrogate in a key",
        post_raw(b'{"query": "{ __typename }", "variables": {"\\ud800": 1}}'),
        "invalid_request",
    ),
    Case(
        "lone surrogate literal",
        post_raw(b'{"query": "{ organization(slug: \\"\\\\ud800\\") { slug } }"}'),
        "invalid_request",
    ),
    # Text arguments over their maximum length, refused before any SQL.
    Case("search of 50,000 characters", post(SEARCH, {"s": "a%" * 25_000}), "validation_error"),
    Case(
        "search literal of 201 characters",
        post('{ models(filter: {search: "%s"}) { totalCount } }' % ("x" * 201)),
        "validation_error",
    ),
    Case("organization slug of 50,000", post(ORG, {"s": "a" * 50_000}), "validation_error"),
    Case(
        "organizations search",
        post("query($s: String) { organizations(search: $s) { totalCount } }", {"s": "b" * 300}),
        "validation_error",
    ),
    Case(
        "version ref",
        post(
            'query($r: String!) { model(org: "meta", name: "llama-chat-8b") { version(ref: $r) { id } } }',
            {"r": "1" * 101},
        ),
        "validation_error",
    ),
    Case(
        "cursor of 10,000 characters",
        post("query($a: String) { models(after: $a) { totalCount } }", {"a": "A" * 10_000}),
        "validation_error",
    ),
    Case(
        "leaderboard benchmark",
        post("query($b: String!) { leaderboard(benchmark: $b) { totalCount } }", {"b": "m" * 101}),
        "validation_error",
    ),
    Case(
        "REST model id of 50,000",
        {"method": "GET", "url": "/v1/models/" + "a" * 50_000},
        "validation_error",
    ),
    # Suggestions, also inside argument-coercion errors.
    Case("suggestion: field", post("{ models { totalCont } }"), "invalid_request"),
    Case(
        "suggestion: input field literal",
        post('{ models(filter: {organisation: "meta"}) { totalCount } }'),
        "invalid_request",
    ),
    Case(
        "suggestion: input field variable",
        post(
            "query($f: ModelFilter) { models(filter: $f) { totalCount } }",
            {"f": {"organisation": "meta"}},
        ),
        "invalid_request",
    ),
    Case(
        "suggestion: enum",
        post("{ models(orderBy: {field: NAM}) { totalCount } }"),
        "invalid_request",
    ),
    Case("suggestion: argument", post("{ models(fist: 1) { totalCount } }"), "invalid_request"),
    # Routes and methods of the HTTP edge.
    Case("GET /", {"method": "GET", "url": "/"}, "not_found"),
    Case("GET /nope", {"method": "GET", "url": "/nope"}, "not_found"),
    Case(
        "GET a missing static file",
        {"method": "GET", "url": "/static/graphiql/nope.js"},
        "not_found",
    ),
    Case(
        "POST /v1/models",
        {"method": "POST", "url": "/v1/models"},
        "invalid_request",
        {"allow": None},
    ),
    Case("PUT /graphql", {"method": "PUT", "url": "/graphql"}, "invalid_request", {"allow": None}),
]


def forged_cursor(real: str, values: list[Any]) -> str:
    payload = json.loads(base64.urlsafe_b64decode(real))
    payload["v"] = values
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


# (ordering, forged values): each of the wrong type or out of range for its ordering.
FORGED = [
    ({"field": "RELEASE_DATE"}, [123, 1]),
    ({"field": "RELEASE_DATE"}, ["2024-13-01", 1]),
    ({"field": "CREATED_AT"}, [123, 1]),
    ({"field": "CREATED_AT"}, ["0001-01-01T00:00:00+01:00", 1]),
    ({"field": "DOWNLOADS"}, [True, 1]),
    ({"field": "DOWNLOADS"}, [1.5, 1]),
    ({"field": "DOWNLOADS"}, [2**70, 1]),
    ({"field": "NAME"}, [1, 1]),
    ({"field": "NAME"}, ["\ud800", 1]),
    ({"field": "NAME"}, ["a\x00", 1]),
    ({"field": "NAME"}, ["a", 2**31]),
    ({"field": "NAME"}, ["a", 2**40]),
    ({"field": "NAME"}, ["a", "1"]),
    ({"field": "NAME"}, ["a", None]),
    ({"field": "BENCHMARK_SCORE", "benchmark": "mmlu"}, ["x", 1]),
    ({"field": "BENCHMARK_SCORE", "benchmark": "mmlu"}, [True, 1]),
    ({"field": "BENCHMARK_SCORE", "benchmark": "mmlu"}, [10**400, 1]),
    ({"field": "BENCHMARK_SCORE", "benchmark": "mmlu"}, [{"x": 1}, 1]),
]
PAGE = "query($o: ModelOrder, $a: String) { models(orderBy: $o, first: 2, after: $a) { edges { cursor } } }"


def assert_clean(response: httpx.Response) -> None:
    assert not LEAKS.search(response.text), response.text[:2000]


def envelopes(response: httpx.Response) -> list[dict[str, Any]]:
    """The envelopes of a response: the body itself (HTTP-level, REST) or each GraphQL error's
    extensions, whose `message` must be the envelope's detail."""
    body = response.json()
    assert isinstance(body, dict), body
    if "errors" in body and "detail" not in body:
        found = []
        for error in body["errors"]:
            extensions = error["extensions"]
            assert error["message"] == extensions["detail"], error
            found.append(extensions)
        return found
    assert {"code", "type", "detail", "requestId"} <= set(body), body
    assert body["code"] == response.status_code
    return [body]


def assert_envelope(response: httpx.Response, expected_type: str) -> list[dict[str, Any]]:
    assert_clean(response)
    request_id = response.headers.get("x-request-id")
    assert request_id, response.headers
    found = envelopes(response)
    assert found
    for envelope in found:
        assert envelope["type"] == expected_type, (expected_type, found)
        assert envelope["requestId"] == request_id
    return found


def assert_client_error(response: httpx.Response, expected_type: str) -> None:
    found = assert_envelope(response, expected_type)
    assert response.status_code < 500, response.text[:500]
    for envelope in found:
        assert 400 <= envelope["code"] < 500, envelope
    if response.status_code == 200:
        # GraphQL over HTTP: an operation that executed is 200; its errors are the client's.
        assert "data" in response.json()
    else:
        assert 400 <= response.status_code < 500


@pytest.mark.parametrize("case", CLIENT_CASES, ids=lambda case: case.name)
async def test_client_input_is_a_4xx_envelope(client: httpx.AsyncClient, case: Case) -> None:
    response = await client.request(**case.request)
    assert_client_error(response, case.type)
    for name, value in case.headers.items():
        assert name in response.headers, response.headers
        if value is not None:
            assert response.headers[name] == value


async def test_405_names_the_allowed_methods(client: httpx.AsyncClient) -> None:
    response = await client.put("/graphql")
    assert response.status_code == 405
    assert "POST" in response.headers["allow"] and "GET" in response.headers["allow"]
    assert "PUT" in response.json()["detail"]


@pytest.mark.parametrize(("order", "values"), FORGED, ids=lambda v: json.dumps(v)[:40])
async def test_forged_cursor_is_invalid_request(
    client: httpx.AsyncClient, order: dict[str, Any], values: list[Any]
) -> None:
    first = await client.post("/graphql", json={"query": PAGE, "variables": {"o": order}})
    real = first.json()["data"]["models"]["edges"][0]["cursor"]
    response = await client.post(
        "/graphql",
        content=json.dumps(
            {"query": PAGE, "variables": {"o": order, "a": forged_cursor(real, values)}}
        ).encode(),
        headers=JSON_BODY,
    )
    assert_client_error(response, "invalid_request")


async def test_real_cursors_still_page(client: httpx.AsyncClient) -> None:
    for order in ({"field": "CREATED_AT"}, {"field": "RELEASE_DATE"}, {"field": "DOWNLOADS"}):
        first = await client.post("/graphql", json={"query": PAGE, "variables": {"o": order}})
        cursor = first.json()["data"]["models"]["edges"][-1]["cursor"]
        second = await client.post(
            "/graphql", json={"query": PAGE, "variables": {"o": order, "a": cursor}}
        )
        assert "errors" not in second.json(), second.text


async def test_nodes_answers_each_id_on_its_own(client: httpx.AsyncClient) -> None:
    model = (
        await client.post(
            "/graphql", json={"query": '{ model(org: "meta", name: "llama-chat-8b") { id } }'}
        )
    ).json()["data"]["model"]["id"]
    ids = [
        model,
        gid("Model:2147483648"),
        "zzz",
        gid("Model:+01"),
        gid("Model:999999"),
        gid("Nope:1"),
        model,
    ]
    response = await client.post(
        "/graphql",
        json={
            "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
            "variables": {"ids": ids},
        },
    )
    assert_envelope(response, "not_found")
    body = response.json()
    assert body["data"]["nodes"] == [{"id": model}, None, None, None, None, None, {"id": model}]
    assert sorted(error["path"][1] for error in body["errors"]) == [1, 2, 3, 4, 5]


async def test_canonical_ids_resolve(client: httpx.AsyncClient) -> None:
    model = (
        await client.post(
            "/graphql", json={"query": '{ model(org: "meta", name: "llama-chat-8b") { id } }'}
        )
    ).json()["data"]["model"]["id"]
    response = await client.post("/graphql", json={"query": NODE, "variables": {"id": model}})
    assert response.json()["data"]["node"] == {"id": model}


async def test_text_limits_name_the_maximum(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": SEARCH, "variables": {"s": "x" * 201}})
    [error] = response.json()["errors"]
    assert "200" in error["message"]
    [problem] = error["extensions"]["errors"]
    assert problem == {
        "loc": ["models", "filter", "search"],
        "msg": "at most 200 characters",
        "type": "value_error.too_long",
    }
    at_limit = await client.post("/graphql", json={"query": SEARCH, "variables": {"s": "x" * 200}})
    assert "errors" not in at_limit.json()


async def test_every_response_carries_the_request_id(client: httpx.AsyncClient) -> None:
    for method, url, headers in [
        ("GET", "/graphql", {"accept": "text/html"}),  # GraphiQL
        ("GET", "/static/graphiql/index.html", {}),
        ("GET", "/nope", {}),
        ("PUT", "/graphql", {}),
        ("GET", "/v1/models", {}),
        ("GET", "/healthz", {}),
    ]:
        response = await client.request(method, url, headers={**headers, "x-request-id": "rid-7"})
        assert response.headers.get("x-request-id") == "rid-7", (url, response.headers)


async def test_rest_answers_json_whatever_the_accept(client: httpx.AsyncClient) -> None:
    for accept in ("text/plain", "text/html", "application/xml"):
        response = await client.get("/v1/models?limit=1", headers={"accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/json")


async def test_suggestions_only_in_debug(seeded_engine: AsyncEngine) -> None:
    url = seeded_engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, debug=True), seeded_engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as http:
        response = await http.post(
            "/graphql", json={"query": '{ models(filter: {organisation: "m"}) { totalCount } }'}
        )
    assert "Did you mean 'organization'?" in response.json()["errors"][0]["message"]


# --- the database down, slow, not migrated ----------------------------------------------------

PROBES = [
    (
        "GraphQL query",
        {
            "method": "POST",
            "url": "/graphql",
            "json": {"query": '{ model(org: "meta", name: "llama-chat-8b") { id } }'},
        },
    ),
    (
        "GraphQL list",
        {
            "method": "POST",
            "url": "/graphql",
            "json": {
                "query": '{ models(first: 2, filter: {search: "llama"}) { totalCount nodes { name } } }'
            },
        },
    ),
    (
        "GraphQL nodes",
        {
            "method": "POST",
            "url": "/graphql",
            "json": {
                "query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                "variables": {"ids": [gid("Model:1"), gid("Model:2")]},
            },
        },
    ),
    (
        "token lookup",
        {
            "method": "POST",
            "url": "/graphql",
            "json": {"query": "{ viewer { role } }"},
            "headers": {"authorization": "Bearer mcat_" + "A" * 43},
        },
    ),
    ("REST list", {"method": "GET", "url": "/v1/models"}),
    ("REST model", {"method": "GET", "url": "/v1/models/meta/llama-chat-8b"}),
]


async def _probe_all(http: httpx.AsyncClient, expected_type: str, code: int) -> None:
    for name, request in PROBES:
        response = await http.request(**request)
        found = assert_envelope(response, expected_type)
        assert all(envelope["code"] == code for envelope in found), (name, found)
        assert response.status_code in (200, code), (name, response.status_code)


@pytest.fixture
async def down_client(
    databases: DatabaseFactory, tmp_path: Any
) -> AsyncIterator[httpx.AsyncClient]:
    if databases.backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path}/missing-dir/catalog.db"
    else:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/catalog"
    engine = create_engine(url)
    async with client_for(engine) as http:
        yield http
    await engine.dispose()


async def test_database_down(down_client: httpx.AsyncClient) -> None:
    await _probe_all(down_client, "bad_gateway", 502)


async def test_database_not_migrated(databases: DatabaseFactory) -> None:
    engine = create_engine(await databases.create_empty("unmigrated"))
    try:
        async with client_for(engine) as http:
            await _probe_all(http, "schema_not_migrated", 503)
            response = await http.post("/graphql", json={"query": "{ models { totalCount } }"})
            assert "catalog db upgrade" in response.json()["errors"][0]["message"]
            assert "unavailable" not in response.text
    finally:
        await engine.dispose()


async def test_database_slow(databases: DatabaseFactory, seeded_template: str) -> None:
    """A PostgreSQL engine of the test's own with a 1 ms statement_timeout; every catalog
    SELECT is made to sleep first, so the timeout always fires."""
    if databases.backend != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    engine = create_async_engine(
        seeded_template, connect_args={"server_settings": {"statement_timeout": "1"}}
    )

    def slow(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> tuple[str, Any]:
        if statement.lstrip().upper().startswith("SELECT"):
            # At least one row (a lookup that finds nothing sleeps too), so pg_sleep runs.
            statement = (
                f"SELECT pg_sleep(0.05), slowed.* FROM (SELECT 1) AS one"
                f" LEFT JOIN ({statement}) AS slowed ON true"
            )
        return statement, params

    event.listen(engine.sync_engine, "before_cursor_execute", slow, retval=True)
    try:
        async with client_for(engine) as http:
            await _probe_all(http, "gateway_timeout", 504)
    finally:
        await engine.dispose()
