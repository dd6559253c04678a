"""Each ModelFilter field narrows `models` exactly as computed independently from seeds/*.json."""

import json
from datetime import date

import pytest

from app.settings import PROJECT_ROOT
from tests.conftest import gql

SEEDS = PROJECT_ROOT / "seeds"


def _load(name):
    return json.loads((SEEDS / name).read_text())


MODELS = _load("models.json")
LICENSES = {item["slug"]: item for item in _load("licenses.json")}
PROVIDERS = _load("providers.json")
SCORES = _load("scores.json")


def canonical(m):
    return f"{m['organization']}/{m['slug']}"


def prices_of(m):
    return [p for prov in PROVIDERS for p in prov["pricing"] if p["model"] == canonical(m)]


def _in(value, low, high):
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def _search(text):
    def match(m):
        fields = (m["name"], m["slug"], m.get("description") or "")
        return any(text.lower() in f.lower() for f in fields)

    return match


CASES = {
    "organization": ({"organization": "meta"}, lambda m: m["organization"] == "meta"),
    "openWeight": ({"openWeight": True}, lambda m: bool(m.get("open_weight"))),
    "closedWeight": ({"openWeight": False}, lambda m: not m.get("open_weight")),
    "license": ({"license": "mit"}, lambda m: m.get("license") == "mit"),
    "allowCommercial": (
        {"allowCommercial": False},
        lambda m: m.get("license") in LICENSES and not LICENSES[m["license"]]["allow_commercial"],
    ),
    "family": ({"family": "llama-3-1"}, lambda m: m.get("family") == "llama-3-1"),
    "provider": (
        {"provider": "together"},
        lambda m: any(
            p["model"] == canonical(m)
            for prov in PROVIDERS
            if prov["slug"] == "together"
            for p in prov["pricing"]
        ),
    ),
    "modality": ({"modality": "image"}, lambda m: "image" in m.get("modalities", [])),
    "tag": ({"tag": "vision"}, lambda m: any(t["identifier"] == "vision" for t in m["tags"])),
    "hasBenchmark": (
        {"hasBenchmark": "humaneval"},
        lambda m: any(s["model"] == canonical(m) and s["benchmark"] == "humaneval" for s in SCORES),
    ),
    "contextWindow": (
        {"contextWindow": {"min": 100000, "max": 200000}},
        lambda m: _in(m.get("context_window"), 100000, 200000),
    ),
    "releaseDate": (
        {"releaseDate": {"from": "2024-04-01", "to": "2024-09-30"}},
        lambda m: _in(
            date.fromisoformat(m["release_date"]) if m.get("release_date") else None,
            date(2024, 4, 1),
            date(2024, 9, 30),
        ),
    ),
    "inputPricePerM": (
        {"inputPricePerM": {"max": 0.5}},
        lambda m: any(_in(p.get("input_price_per_m"), None, 0.5) for p in prices_of(m)),
    ),
    "search": ({"search": "instruct"}, _search("instruct")),
    "combined": (
        {"openWeight": True, "organization": "meta", "contextWindow": {"min": 100000}},
        lambda m: (
            m["organization"] == "meta"
            and m.get("open_weight")
            and _in(m.get("context_window"), 100000, None)
        ),
    ),
}

QUERY = """query($filter: ModelFilter) { models(filter: $filter, first: 100) {
  totalCount edges { node { canonicalName } } } }"""


@pytest.mark.parametrize("case", CASES)
async def test_filter_matches_seeds(client, case):
    model_filter, predicate = CASES[case]
    expected = sorted(canonical(m) for m in MODELS if m.get("is_public", True) and predicate(m))
    assert 0 < len(expected) < len(MODELS), f"{case} does not discriminate in the demo"
    body = await gql(client, QUERY, {"filter": model_filter})
    assert "errors" not in body, body["errors"]
    conn = body["data"]["models"]
    assert sorted(e["node"]["canonicalName"] for e in conn["edges"]) == expected
    assert conn["totalCount"] == len(expected)


async def test_inverted_range_is_a_validation_error(client):
    body = await gql(client, QUERY, {"filter": {"contextWindow": {"min": 10, "max": 1}}})
    ext = body["errors"][0]["extensions"]
    assert (ext["type"], ext["code"]) == ("validation_error", 422)
    assert ext["errors"][0]["loc"] == ["filter", "contextWindow"]
