"""The response cache's plain parts, without HTTP: the byte-capped LRU, the cacheability
policy, the persisted-query registry, validators and encoding choice."""

from __future__ import annotations

import pytest
from graphql import parse

from app.cache.counters import CacheCounters
from app.cache.policy import describe, sha256_hex
from app.cache.store import ENTRY_OVERHEAD, Entry, LruStore
from app.errors import InvalidRequest
from app.graphql.persisted import PersistedQueries, PersistedQueryNotFound
from app.http import caching
from app.http.compression import choose_encoding


def entry(revision: int, size: int) -> Entry:
    return Entry(revision, b"x" * size, [], '"e"')


def test_lru_keeps_within_its_byte_cap_and_counts_evictions() -> None:
    counters = CacheCounters()
    store = LruStore(3 * (100 + ENTRY_OVERHEAD), counters)
    for key in "abc":
        store.put(key, entry(1, 100))
    assert store.get("a", 1) is not None  # a is now the most recently used
    store.put("d", entry(1, 100))
    assert store.get("b", 1) is None and store.get("a", 1) is not None
    assert (counters.evictions, counters.entries) == (1, 3)
    assert counters.bytes == 3 * (100 + ENTRY_OVERHEAD)
    store.put("huge", entry(1, 10_000))  # larger than the cap: never kept
    assert store.get("huge", 1) is None and counters.entries == 3


def test_an_entry_of_another_revision_is_never_returned() -> None:
    store = LruStore(10_000, CacheCounters())
    store.put("k", entry(1, 10))
    assert store.get("k", 2) is None
    assert store.get("k", 1) is None  # dropped when found stale
    assert len(store) == 0


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{ models(first: 1) { totalCount } }", {None: (False, True)}),
        ("query A { viewer { isAnonymous } }", {"A": (False, False)}),
        ("query A { ... on Query { auditLog(first: 1) { totalCount } } }", {"A": (False, False)}),
        ("query A { ...F } fragment F on Query { viewer { role } }", {"A": (False, False)}),
        ("mutation M { recordDownload }", {"M": (True, False)}),
        ("query A { __typename } query B { viewer { role } }",
         {"A": (False, True), "B": (False, False)}),
    ],
)  # fmt: skip
def test_what_may_be_cached(document: str, expected: dict[str | None, tuple[bool, bool]]) -> None:
    assert describe(parse(document)).operations == expected


def test_normalized_documents_share_a_digest() -> None:
    one = describe(parse("{ models(first: 1) { totalCount } }"))
    two = describe(parse("# a comment\n{\n  models(first: 1) {\n totalCount\n }\n}"))
    assert one.digest == two.digest
    assert one.operation(None) == (False, True) and one.operation("Other") is None


def test_persisted_queries() -> None:
    registry = PersistedQueries()
    query = "{ __typename }"
    apq = {"persistedQuery": {"version": 1, "sha256Hash": sha256_hex(query)}}
    with pytest.raises(PersistedQueryNotFound):
        registry.resolve(None, apq)
    assert registry.resolve(query, apq) == query
    assert registry.resolve(None, apq) == query
    with pytest.raises(InvalidRequest):
        registry.resolve("{ other }", apq)
    for bad in ({"version": 2, "sha256Hash": "0" * 64}, {"version": 1, "sha256Hash": "x"}, 7):
        with pytest.raises(InvalidRequest):
            registry.resolve(query, {"persistedQuery": bad})
    assert registry.resolve(query, None) == query


def test_validators_and_encodings() -> None:
    tag = caching.etag_of(b"body")
    assert caching.matches(tag, tag) and caching.matches(f'"a", W/{tag}', tag)
    assert caching.matches("*", tag) and not caching.matches('"other"', tag)
    assert caching.cache_control(True, 60) == "public, max-age=60"
    assert caching.cache_control(False, 60) == "private, no-cache"
    assert choose_encoding("gzip, deflate, br") == "br"
    assert choose_encoding("gzip;q=1, br;q=0") == "gzip"
    assert choose_encoding("identity") is None and choose_encoding(None) is None
    assert choose_encoding("*") == "br"
