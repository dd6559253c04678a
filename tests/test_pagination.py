"""Keyset pagination of `models` (every ordering, both directions) and child connections."""

import base64
import json

import pytest

from tests.conftest import gql

FORWARD = """
query($order: ModelOrder, $after: String) {
  models(orderBy: $order, first: 7, after: $after) {
    totalCount edges { cursor node { id paramCount } } pageInfo { hasNextPage endCursor }
  }
}"""
BACKWARD = """
query($order: ModelOrder, $before: String) {
  models(orderBy: $order, last: 7, before: $before) {
    totalCount edges { node { id } } pageInfo { hasPreviousPage startCursor }
  }
}"""
OTHER_ORDERINGS = {
    "other-field": "{field: RELEASE_DATE}",
    "other-direction": "{field: NAME, direction: DESC}",
    "price-vs-score": "{field: PRICE}",
}


FIELDS = [
    "NAME",
    "RELEASE_DATE",
    "CREATED_AT",
    "DOWNLOADS",
    "PARAM_COUNT",
    "CONTEXT_WINDOW",
    "BENCHMARK_SCORE",
    "PRICE",
]
ORDERS = [
    {"field": f, "direction": d, **({"benchmark": "mmlu"} if f == "BENCHMARK_SCORE" else {})}
    for f in FIELDS
    for d in ("ASC", "DESC")
]


def _id(order):
    return f"{order['field']}-{order['direction']}"


async def _walk_forward(client, order):
    seen, nodes, after, total = [], [], None, None
    for _ in range(100):
        body = await gql(client, FORWARD, {"order": order, "after": after})
        assert "errors" not in body, body["errors"]
        conn = body["data"]["models"]
        total = conn["totalCount"]
        assert len(conn["edges"]) <= 7
        nodes += [e["node"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            return nodes, total
        after = conn["pageInfo"]["endCursor"]
    pytest.fail(f"no last page for {order}: {len(seen)} seen")


@pytest.mark.parametrize("order", ORDERS, ids=_id)
async def test_walks_visit_every_model_once(client, order):
    nodes, total = await _walk_forward(client, order)
    ids = [n["id"] for n in nodes]
    assert len(ids) == len(set(ids)) == total >= 25
    backward, before = [], None
    for _ in range(100):
        body = await gql(client, BACKWARD, {"order": order, "before": before})
        assert "errors" not in body, body["errors"]
        conn = body["data"]["models"]
        backward = [e["node"]["id"] for e in conn["edges"]] + backward
        if not conn["pageInfo"]["hasPreviousPage"]:
            break
        before = conn["pageInfo"]["startCursor"]
    assert backward == ids  # the same set, in the same order


@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_nullable_orderings_put_nulls_last(client, direction):
    nodes, _ = await _walk_forward(client, {"field": "PARAM_COUNT", "direction": direction})
    counts = [n["paramCount"] for n in nodes]
    known = [c for c in counts if c is not None]
    assert None in counts and known, "the demo has models with and without a parameter count"
    assert counts == known + [None] * (len(counts) - len(known))
    assert known == sorted(known, reverse=direction == "DESC")


async def test_child_connection_walk(client):
    query = """
    query($after: String) { model(org: "meta", name: "llama-chat-8b") {
      versions(first: 2, after: $after) {
        totalCount edges { node { version } } pageInfo { hasNextPage endCursor } } } }"""
    versions, after = [], None
    while True:
        conn = (await gql(client, query, {"after": after}))["data"]["model"]["versions"]
        assert len(conn["edges"]) <= 2
        versions += [e["node"]["version"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert versions == ["3.1.0", "3.0.0", "2.0.0"] and conn["totalCount"] == 3


@pytest.mark.parametrize("args", ["first: 101", "last: 101", "first: -1"])
async def test_page_size_over_100_is_a_validation_error(client, args):
    body = await gql(client, f"{{ models({args}) {{ totalCount }} }}")
    assert body["data"] is None or body["data"]["models"] is None
    ext = body["errors"][0]["extensions"]
    assert (ext["type"], ext["code"]) == ("validation_error", 422)
    assert ext["errors"][0]["loc"] == [args.split(":")[0]]


async def _cursor_of_another_ordering(client):
    body = await gql(
        client, "{ models(first: 1, orderBy: {field: RELEASE_DATE}) { edges { cursor } } }"
    )
    return body["data"]["models"]["edges"][0]["cursor"]


async def _cursor_of(client, order):
    body = await gql(client, f"{{ models(first: 1, orderBy: {order}) {{ edges {{ cursor }} }} }}")
    return body["data"]["models"]["edges"][0]["cursor"]


@pytest.mark.parametrize(
    "cursor",
    [
        "zzz",
        base64.urlsafe_b64encode(b"\xff\xfe junk").decode(),
        base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps(["x", "y"]).encode()).decode(),
        base64.urlsafe_b64encode(json.dumps([1.5, None]).encode()).decode(),
        *OTHER_ORDERINGS,
    ],
)
@pytest.mark.parametrize("arg", ["after", "before"])
async def test_garbage_cursor_is_invalid_request(client, cursor, arg):
    order = "{field: NAME}"
    if cursor in OTHER_ORDERINGS:
        if cursor == "price-vs-score":  # two float orderings: only the cursor's tag differs
            order = '{field: BENCHMARK_SCORE, benchmark: "mmlu"}'
        cursor = await _cursor_of(client, OTHER_ORDERINGS[cursor])
    query = f"query($c: String) {{ models({arg}: $c, orderBy: {order}) {{ totalCount }} }}"
    body = await gql(client, query, {"c": cursor})
    ext = body["errors"][0]["extensions"]
    assert (ext["type"], ext["code"]) == ("invalid_request", 400), body


async def test_leaderboard_walk(client):
    query = """query($after: String) { leaderboard(benchmark: "mmlu", first: 7, after: $after) {
        totalCount edges { node { rank model { id } } } pageInfo { hasNextPage endCursor } } }"""
    ids, ranks, after = [], [], None
    while True:
        body = await gql(client, query, {"after": after})
        assert "errors" not in body, body["errors"]
        conn = body["data"]["leaderboard"]
        ids += [e["node"]["model"]["id"] for e in conn["edges"]]
        ranks += [e["node"]["rank"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(ids) == len(set(ids)) == conn["totalCount"] > 7
    assert ranks == sorted(ranks) and ranks[0] == 1


def _dumped_cursor(values, keys):
    """The cursor's spelling as first defined: base64 of json.dumps of {"o": tag, "v": [...]}."""
    from app.repositories import keyset

    payload = {
        "o": keyset.ordering_tag(keys),
        "v": [keyset._encode_value(v, k.codec) for v, k in zip(values, keys, strict=True)],
    }
    return base64.urlsafe_b64encode(json.dumps(payload, ensure_ascii=False).encode()).decode()


def test_cursor_writer_spells_cursors_as_json_dumps():
    from datetime import UTC, date, datetime

    from sqlalchemy import column

    from app.repositories import keyset

    keys = [
        keyset.SortKey(column("a"), True, "float"),
        keyset.SortKey(column("b"), False, "str"),
        keyset.SortKey(column("c"), False, "date"),
        keyset.SortKey(column("d"), False, "datetime"),
        keyset.SortKey(column("e"), False, "bool"),
        keyset.SortKey(column("f"), False, "bytes"),
        keyset.SortKey(column("g"), False, "int"),
    ]
    when = datetime(2020, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    rows = [
        [0.1, 'x"\u00e9\n\u2028\\', date(2020, 1, 2), when, True, b"\x00\xff", 2**40],
        [float("nan"), None, None, None, False, None, -5],
        [float("-inf"), "", None, None, None, b"", 0],
        [1e16, "\U0001f4a5", None, None, None, None, None],
        [-0.0, "\t", None, None, None, None, 1],
    ]
    write = keyset.CursorWriter(keys)
    for values in rows:
        assert write(values) == keyset.encode_cursor(values, keys) == _dumped_cursor(values, keys)
