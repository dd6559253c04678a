"""Private data never leaks: anonymous and other-organization callers see nothing of it on any
read path (the acme reader does, so the probe can fail)."""

import pytest

from tests.access_support import Tokens
from tests.conftest import gql
from tests.export_support import read_rows

SECRET = "acme/secret"


async def must(client, query, variables=None, headers=None):
    body = await gql(client, query, variables, headers)
    assert "errors" not in body, body
    return body["data"]


async def build_private_world(client, tokens):
    """acme/secret (private model), acme/open (public, derived from it), acme/mixed (public
    model whose newest version is private and holds the `latest` alias)."""
    h = Tokens.header(tokens.acme_writer)
    ref = await must(client, "{ licenses(first:1){nodes{slug}} families(first:1){nodes{slug}} "
                             "providers(first:1){nodes{slug}} "
                             "leaderboard(benchmark: \"mmlu\", first: 1){edges{node{model{canonicalName}}}} }")  # fmt: skip
    license_slug = ref["licenses"]["nodes"][0]["slug"]
    family_slug = ref["families"]["nodes"][0]["slug"]
    provider_slug = ref["providers"]["nodes"][0]["slug"]
    public_base = ref["leaderboard"]["edges"][0]["node"]["model"]["canonicalName"]
    create = "mutation($i: CreateModelInput!) { createModel(input: $i) { id } }"
    secret = await must(client, create, {"i": {
        "organization": "acme", "slug": "secret", "name": "Zebra Secret", "isPublic": False,
        "description": "zebra", "license": license_slug, "family": family_slug,
        "baseModel": public_base, "modalities": ["zebravision"],
        "tags": [{"identifier": "zebra-tag", "name": "Zebra"}], "contextWindow": 999999,
    }}, h)  # fmt: skip
    for slug in ("open", "mixed"):
        await must(client, create, {"i": {"organization": "acme", "slug": slug, "name": slug,
                                          "baseModel": SECRET if slug == "open" else None}}, h)  # fmt: skip
    publish = """mutation($i: PublishVersionInput!) { publishVersion(input: $i) { id } }"""
    files = [{"path": "w.bin", "oid": "ab" * 32, "sizeBytes": 10}]
    secret_versions = []
    for version in ("1.0.0", "2.0.0"):
        body = await must(client, publish, {"i": {"org": "acme", "name": "secret", "version": version,
                                                   "files": files, "metrics": {"zebra": 1}, "aliases": ["latest"] if version == "2.0.0" else []}}, h)  # fmt: skip
        secret_versions.append(body["publishVersion"]["id"])
    await must(client, publish, {"i": {"org": "acme", "name": "open", "version": "1.0.0",
                                        "baseModel": "acme/secret@1.0.0", "files": files}}, h)  # fmt: skip
    await must(
        client,
        publish,
        {"i": {"org": "acme", "name": "mixed", "version": "1.0.0", "files": files}},
        h,
    )
    hidden = await must(client, publish, {"i": {"org": "acme", "name": "mixed", "version": "2.0.0",
                                                 "files": files, "isPublic": False, "aliases": ["latest"]}}, h)  # fmt: skip
    scores = await must(client, """mutation { recordScores(input: [{org: "acme", name: "secret",
        benchmark: "mmlu", score: 100, sourceUrl: "https://example.org/zebra"}]) { id } }""", headers=h)  # fmt: skip
    await must(client, """mutation($p: String!) { setPricing(input: {provider: $p, org: "acme",
        name: "secret", inputPricePerM: 0.0001, outputPricePerM: 0.0001}) { providerId } }""",
               {"p": provider_slug}, h)  # fmt: skip
    return {
        "family": family_slug,
        "license": license_slug,
        "provider": provider_slug,
        "ids": [secret["createModel"]["id"], *secret_versions, hidden["publishVersion"]["id"],
                scores["recordScores"][0]["id"]],
    }  # fmt: skip


BROWSE = """query($f: ModelFilter, $o: ModelOrder) {
  models(filter: $f, orderBy: $o, first: 100) { totalCount edges { node { canonicalName } } } }"""


def names(connection):
    return [edge["node"]["canonicalName"] for edge in connection["edges"]]


async def probe(client, world, headers):
    """Returns what this viewer could see of the private objects (empty when nothing leaks)."""
    leaks = []
    body = await gql(client, '{ model(org: "acme", name: "secret") { id } }', headers=headers)
    if body["data"]["model"] is not None:
        leaks.append("model")
    else:
        missing = await gql(client, '{ model(org: "acme", name: "nope") { id } }', headers=headers)
        assert body["errors"][0]["extensions"]["type"] == "not_found"
        assert (
            body["errors"][0]["message"].replace("secret", "nope")
            == missing["errors"][0]["message"]
        )

    filters = [{}, {"search": "zebra"}, {"organization": "acme"}, {"license": world["license"]},
               {"family": world["family"]}, {"provider": world["provider"]}, {"hasBenchmark": "mmlu"},
               {"modality": "zebravision"}, {"tag": "zebra-tag"}, {"contextWindow": {"min": 999999}}]  # fmt: skip
    orders = [None, {"field": "BENCHMARK_SCORE", "benchmark": "mmlu", "direction": "DESC"},
              {"field": "PRICE"}, {"field": "CONTEXT_WINDOW", "direction": "DESC"}]  # fmt: skip
    for f in filters:
        for o in orders:
            data = await must(client, BROWSE, {"f": f, "o": o}, headers)
            seen = names(data["models"])
            if SECRET in seen or data["models"]["totalCount"] != len(seen):
                leaks.append(f"models {f} {o}")

    for global_id in world["ids"]:
        body = await gql(
            client, "query($id: ID!) { node(id: $id) { id } }", {"id": global_id}, headers
        )
        if body["data"]["node"] is not None:
            leaks.append(f"node {global_id}")
    body = await gql(
        client, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": world["ids"]}, headers
    )
    if any(body["data"]["nodes"]):
        leaks.append("nodes")

    mixed = await must(client, """{ model(org: "acme", name: "mixed") {
        versions { totalCount edges { node { version } } } latestVersion { version }
        aliases { name } aliasHistory { totalCount edges { node { toVersion to { version } } } }
        aliasAt(alias: "latest", at: "2999-01-01T00:00:00Z") { version } } }""", headers=headers)  # fmt: skip
    model = mixed["model"]
    if [e["node"]["version"] for e in model["versions"]["edges"]] != ["1.0.0"] or model["versions"][
        "totalCount"
    ] != 1:
        leaks.append("versions")
    if model["latestVersion"] != {"version": "1.0.0"}:
        leaks.append("latestVersion")
    if model["aliases"] or model["aliasAt"] is not None:
        leaks.append("aliases")
    if any(e["node"]["toVersion"] or e["node"]["to"] for e in model["aliasHistory"]["edges"]):
        leaks.append("aliasHistory")
    for ref in ("2.0.0", "latest"):
        body = await gql(client, 'query($r: String!) { model(org: "acme", name: "mixed") { version(ref: $r) { version } } }', {"r": ref}, headers)  # fmt: skip
        if body["data"]["model"]["version"] is not None:
            leaks.append(f"version({ref})")
    body = await gql(client, '{ compareVersions(org: "acme", name: "mixed", versions: ["1.0.0", "2.0.0"]) { metricKeys } }', headers=headers)  # fmt: skip
    if body["data"]["compareVersions"] is not None:
        leaks.append("compareVersions(explicit)")
    data = await must(client, '{ compareVersions(org: "acme", name: "mixed") { versions { version } } }', headers=headers)  # fmt: skip
    if data["compareVersions"]["versions"] != [{"version": "1.0.0"}]:
        leaks.append("compareVersions(all)")
    body = await gql(
        client, '{ compareVersions(org: "acme", name: "secret") { name } }', headers=headers
    )
    if body["data"]["compareVersions"] is not None:
        leaks.append("compareVersions(private model)")

    board = await must(client, '{ leaderboard(benchmark: "mmlu", first: 100) { totalCount edges { node { model { canonicalName } score { model { canonicalName } } } } } }', headers=headers)  # fmt: skip
    entries = [e["node"]["model"]["canonicalName"] for e in board["leaderboard"]["edges"]]
    if SECRET in entries or board["leaderboard"]["totalCount"] != len(entries):
        leaks.append("leaderboard")

    provider = await must(client, 'query($p: String!) { provider(slug: $p) { models(first: 100) { totalCount edges { node { canonicalName } } } pricing(first: 100) { totalCount edges { node { model { canonicalName } } } } } }', {"p": world["provider"]}, headers)  # fmt: skip
    provider = provider["provider"]
    priced = [e["node"]["model"]["canonicalName"] for e in provider["pricing"]["edges"]]
    if SECRET in names(provider["models"]) or provider["models"]["totalCount"] != len(
        provider["models"]["edges"]
    ):
        leaks.append("provider.models")
    if SECRET in priced or provider["pricing"]["totalCount"] != len(priced):
        leaks.append("provider.pricing")

    org = await must(client, '{ organization(slug: "acme") { models(first: 100) { totalCount edges { node { canonicalName } } } } }', headers=headers)  # fmt: skip
    if (
        sorted(names(org["organization"]["models"])) != ["acme/mixed", "acme/open"]
        or org["organization"]["models"]["totalCount"] != 2
    ):
        leaks.append("organization.models")
    family = await must(client, 'query($f: String!) { family(slug: $f) { models(first: 100) { totalCount edges { node { canonicalName } } } } }', {"f": world["family"]}, headers)  # fmt: skip
    if SECRET in names(family["family"]["models"]):
        leaks.append("family.models")

    lineage = await must(client, '{ model(org: "acme", name: "open") { baseModel { canonicalName } latestVersion { baseModel baseVersion { version } } } }', headers=headers)  # fmt: skip
    if (
        lineage["model"]["baseModel"] is not None
        or lineage["model"]["latestVersion"]["baseVersion"] is not None
    ):
        leaks.append("lineage")
    # Bulk exports (every kind, both formats): no row of acme/secret nor mixed's 2.0.0 (a
    # public version's own `base_model` text may name its base, as in GraphQL's `baseModel`).
    for kind in ("models", "versions", "scores", "prices"):
        for format_ in ("jsonl", "csv"):
            response = await client.get(f"/v1/export/{kind}.{format_}", headers=headers)
            for row in read_rows(kind, format_, response.text):
                if row["model"] == SECRET or (row["model"], row.get("version")) == (
                    "acme/mixed",
                    "2.0.0",
                ):
                    leaks.append(f"export {kind}.{format_}")
                    break
    return leaks


@pytest.mark.parametrize("who", ["anonymous", "globex_writer", "globex_admin"])
async def test_nothing_private_reaches_outsiders(write_client, tokens, who):
    world = await build_private_world(write_client, tokens)
    headers = None if who == "anonymous" else Tokens.header(getattr(tokens, who))
    assert await probe(write_client, world, headers) == []


async def test_the_owner_sees_everything_the_probe_looks_for(write_client, tokens):
    world = await build_private_world(write_client, tokens)
    leaks = await probe(write_client, world, Tokens.header(tokens.acme_reader))
    # Every probe must be able to fail: the owner "leaks" on all of them except the ones
    # whose public part is identical for everyone.
    expected = {"model", "nodes", "versions", "latestVersion", "aliases", "aliasHistory",
                "version(2.0.0)", "version(latest)", "compareVersions(explicit)",
                "compareVersions(all)", "compareVersions(private model)", "leaderboard",
                "provider.models", "provider.pricing", "organization.models", "family.models",
                "lineage"}  # fmt: skip
    found = {leak.split(" ")[0] if leak.startswith(("models", "node ")) else leak for leak in leaks}
    assert expected <= found, expected - found
    assert any(leak.startswith("models ") for leak in leaks)
    assert sum(leak.startswith("node ") for leak in leaks) == len(world["ids"])


@pytest.fixture
async def cached_write_client(fresh_engine):
    from tests.cache_support import cached_client

    async with cached_client(fresh_engine) as http:
        yield http


async def test_nothing_private_reaches_outsiders_with_the_response_cache_on(
    cached_write_client, tokens
):
    """The owner's answers are cached first; outsiders asking the very same documents and
    variables must still get only their own scope's answers."""
    from app.cache.counters import counters

    world = await build_private_world(cached_write_client, tokens)
    owner = Tokens.header(tokens.acme_reader)
    assert await probe(cached_write_client, world, owner) != []
    assert await probe(cached_write_client, world, owner) != []  # now served from the cache
    assert counters.hits > 0
    for who in ("anonymous", "globex_writer", "globex_admin"):
        headers = None if who == "anonymous" else Tokens.header(getattr(tokens, who))
        assert await probe(cached_write_client, world, headers) == [], who
        assert await probe(cached_write_client, world, headers) == [], who
