"""The live catalog's pure rules: signatures, backoff, price moves, filters, visibility."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from app.auth import ANONYMOUS, Viewer
from app.events import backoff, derive, signing, urls
from app.events.kinds import StoredEvent
from app.events.matching import Filter, filter_problems, visible, webhook_filter


def _event(kind="price.changed", public=True, org=1, **payload) -> StoredEvent:
    return StoredEvent(1, kind, org, public, 2, payload, datetime(2026, 1, 1, tzinfo=UTC))


def test_signature_scheme():
    body = b'{"id":"1"}'
    header = signing.signature_header("s3cret", 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=")
    assert signing.verify("s3cret", header, body, now=1_700_000_100)
    assert not signing.verify("s3cret", header, body + b" ", now=1_700_000_100)
    assert not signing.verify("other", header, body, now=1_700_000_100)
    # Outside the replay window, even a right signature is refused.
    assert not signing.verify("s3cret", header, body, now=1_700_000_000 + 301)
    assert not signing.verify("s3cret", "garbage", body, now=1_700_000_000)


def test_backoff_grows_with_jitter_and_a_ceiling():
    rand = random.Random(7)
    delays = [backoff.next_delay(n, 10, 100, rand) for n in range(1, 7)]
    for n, delay in enumerate(delays, start=1):
        full = min(100, 10 * 2 ** (n - 1))
        assert full / 2 <= delay <= full
    assert backoff.gives_up(age_seconds=90, delay=20, retry_seconds=100)
    assert not backoff.gives_up(age_seconds=10, delay=20, retry_seconds=100)


def test_relative_change():
    old = {"inputPricePerM": 2.0, "outputPricePerM": 8.0}
    assert derive.relative_change(old, {"inputPricePerM": 2.2, "outputPricePerM": 4.0}) == 0.5
    assert derive.relative_change(old, dict(old)) == 0.0
    assert derive.relative_change({"inputPricePerM": 0.0}, {"inputPricePerM": 1.0}) is None


def test_filters_and_visibility():
    moved = _event(provider="openai", model="acme/m", relativeChange=0.05)
    assert Filter(provider="openai")(moved)
    assert not Filter(min_relative_change=0.1)(moved)
    assert Filter(min_relative_change=0.01)(moved)
    assert not Filter(kinds=frozenset({"alias.moved"}))(moved)
    assert webhook_filter(["price.changed"], {"model": "acme/m"})(moved)
    assert filter_problems({"model": 1, "x": "y"}) and filter_problems([]) == ["must be an object"]
    private = _event(public=False, org=5)
    assert not visible(private, ANONYMOUS)
    assert not visible(private, Viewer(organization_id=6, role="admin"))
    assert visible(private, Viewer(organization_id=5, role="reader"))


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.example.com/x", True),
        ("http://93.184.216.34/x", True),
        ("http://127.0.0.1/x", False),
        ("http://[::ffff:10.0.0.1]/x", False),
        ("http://192.168.1.1/x", False),
        ("gopher://example.com/", False),
        ("http:///nohost", False),
    ],
)
def test_url_rule(url, allowed):
    assert (urls.url_problem(url, allow_private=False) is None) is allowed
    if url.startswith("http") and "nohost" not in url:
        assert urls.url_problem(url, allow_private=True) is None
