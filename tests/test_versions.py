"""Versions newest first, latestVersion, version(ref:) and compareVersions over the demo."""

import json

import pytest
from sqlalchemy import delete

from app.db.tables import VersionAliasRow
from app.services import semver
from app.settings import PROJECT_ROOT
from tests.conftest import client_for, gql

REGISTRY = json.loads((PROJECT_ROOT / "seeds" / "registry.json").read_text())
MODELS = [entry["model"] for entry in REGISTRY]
ALL_STATUSES = "[PARTIAL, CANCELED, REJECTED, DELETED, ACTIVE, INACTIVE]"

QUERY = """
query($org: String!, $name: String!) { model(org: $org, name: $name) {
  visible: versions(first: 100) { totalCount edges { node { version status aliases } } }
  every: versions(first: 100, status: STATUSES) { edges { node { version status metrics } } }
  deleted: versions(first: 100, status: [DELETED]) { edges { node { version } } }
  latestVersion { version }
  aliases { name version }
} }""".replace("STATUSES", ALL_STATUSES)


def _key(text):
    return semver.sort_key(semver.parse(text))


def _expected_latest(entry):
    live = [v for v in entry["versions"] if v.get("status", "ACTIVE") != "DELETED"]
    live_names = {v["version"] for v in live}
    if entry.get("aliases", {}).get("latest") in live_names:
        return entry["aliases"]["latest"]
    releases = [v["version"] for v in live if not semver.parse(v["version"]).is_prerelease]
    pool = releases or [v["version"] for v in live]
    return max(pool, key=_key) if pool else None


@pytest.mark.parametrize("canonical", MODELS)
async def test_versions_latest_and_deleted(client, canonical):
    entry = next(e for e in REGISTRY if e["model"] == canonical)
    org, name = canonical.split("/")
    body = await gql(client, QUERY, {"org": org, "name": name})
    assert "errors" not in body, body["errors"]
    model = body["data"]["model"]
    every = [e["node"] for e in model["every"]["edges"]]
    visible = [e["node"] for e in model["visible"]["edges"]]
    seeded = {v["version"]: v.get("status", "ACTIVE") for v in entry["versions"]}

    assert {v["version"]: v["status"] for v in every} == seeded
    for listing in (every, visible):
        names = [v["version"] for v in listing]
        assert names == sorted(names, key=_key, reverse=True)  # semver precedence, newest first
    assert [v["version"] for v in visible] == [
        v["version"] for v in every if v["status"] != "DELETED"
    ]
    assert model["visible"]["totalCount"] == len(visible)
    deleted = [e["node"]["version"] for e in model["deleted"]["edges"]]
    assert sorted(deleted) == sorted(v for v, s in seeded.items() if s == "DELETED")

    assert (model["latestVersion"] or {}).get("version") == _expected_latest(entry)
    for v in every:
        assert v["metrics"] == next(
            s.get("metrics") or {} for s in entry["versions"] if s["version"] == v["version"]
        )
    aliases = {a["name"]: a["version"] for a in model["aliases"]}
    assert aliases == {a: t for a, t in entry.get("aliases", {}).items() if seeded[t] != "DELETED"}
    for v in visible:
        assert sorted(v["aliases"]) == sorted(a for a, t in aliases.items() if t == v["version"])


async def test_latest_without_the_latest_alias(fresh_engine):
    """The demo sets `latest` everywhere; without it the rule falls back to semver."""
    async with fresh_engine.begin() as connection:
        await connection.execute(delete(VersionAliasRow).where(VersionAliasRow.alias == "latest"))
    expected = {}
    async with client_for(fresh_engine) as http:
        for entry in REGISTRY:
            org, name = entry["model"].split("/")
            body = await gql(http, QUERY, {"org": org, "name": name})
            got = body["data"]["model"]["latestVersion"]
            bare = {**entry, "aliases": {}}
            expected[entry["model"]] = _expected_latest(bare)
            assert (got or {}).get("version") == expected[entry["model"]], entry["model"]
    # The demo covers both branches: a highest release, and a prerelease-only model.
    assert any(semver.parse(v).is_prerelease for v in expected.values())
    assert any(not semver.parse(v).is_prerelease for v in expected.values())


REF = """query($ref: String!) { model(org: "meta", name: "llama-chat-8b") {
  version(ref: $ref) { version } } }"""


@pytest.mark.parametrize(
    ("ref", "expected"),
    [("3.0.0", "3.0.0"), ("production", "3.0.0"), ("latest", "3.1.0"), ("staging", "3.1.0")],
)
async def test_version_by_string_or_alias(client, ref, expected):
    body = await gql(client, REF, {"ref": ref})
    assert body["data"]["model"]["version"]["version"] == expected


# "3.0" or "v3" are well-formed alias names (so not_found when unset), these are neither.
@pytest.mark.parametrize("ref", ["Latest", "a b", "", "3.0.0\n", "../x", "-1", "a" * 51])
async def test_malformed_ref_is_invalid_request(client, ref):
    body = await gql(client, REF, {"ref": ref})
    assert body["data"]["model"]["version"] is None
    assert body["errors"][0]["extensions"]["type"] == "invalid_request"


@pytest.mark.parametrize("ref", ["9.9.9", "canary", "1.0.0"])  # 1.0.0 is DELETED
async def test_unknown_ref_is_null_and_not_found(client, ref):
    body = await gql(client, REF, {"ref": ref})
    assert body["data"]["model"]["version"] is None
    ext = body["errors"][0]["extensions"]
    assert (ext["type"], ext["code"]) == ("not_found", 404) and ref in ext["detail"]


COMPARE = """query($org: String!, $name: String!, $versions: [String!]) {
  compareVersions(org: $org, name: $name, versions: $versions) {
    name metricKeys versions { version } metrics { key values } } }"""


async def _compare(client, canonical, versions):
    org, name = canonical.split("/")
    return await gql(client, COMPARE, {"org": org, "name": name, "versions": versions})


@pytest.mark.parametrize("canonical", MODELS)
async def test_compare_every_visible_version(client, canonical):
    entry = next(e for e in REGISTRY if e["model"] == canonical)
    body = await _compare(client, canonical, None)
    assert "errors" not in body, body["errors"]
    result = body["data"]["compareVersions"]
    live = [v for v in entry["versions"] if v.get("status", "ACTIVE") != "DELETED"]
    live.sort(key=lambda v: _key(v["version"]), reverse=True)
    assert result["name"] == canonical
    assert [v["version"] for v in result["versions"]] == [v["version"] for v in live]
    _check_alignment(result, live)


def _check_alignment(result, seeded_versions):
    metrics = [v.get("metrics") or {} for v in seeded_versions]
    assert result["metricKeys"] == sorted({k for m in metrics for k in m})
    assert [row["key"] for row in result["metrics"]] == result["metricKeys"]
    for row in result["metrics"]:
        assert row["values"] == [m.get(row["key"]) for m in metrics]


async def test_compare_in_the_order_asked_with_aliases(client):
    canonical = "mistral/mistral-7b-instruct"
    entry = next(e for e in REGISTRY if e["model"] == canonical)
    body = await _compare(client, canonical, ["0.2.0", "0.1.0", "latest"])
    assert "errors" not in body, body["errors"]
    result = body["data"]["compareVersions"]
    assert [v["version"] for v in result["versions"]] == ["0.2.0", "0.1.0", "0.2.0"]
    by_name = {v["version"]: v for v in entry["versions"]}
    _check_alignment(result, [by_name["0.2.0"], by_name["0.1.0"], by_name["0.2.0"]])
    assert any(None in row["values"] for row in result["metrics"])  # 0.2.0 lacks mt_bench


async def test_compare_unknown_version_is_not_found(client):
    body = await _compare(client, "mistral/mistral-7b-instruct", ["0.1.0", "7.7.7"])
    assert body["data"]["compareVersions"] is None
    ext = body["errors"][0]["extensions"]
    assert ext["type"] == "not_found" and "7.7.7" in ext["detail"] and "0.1.0" not in ext["detail"]
