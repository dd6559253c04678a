"""Catalog mutations: organizations, models, benchmarks, scores (all or nothing), prices."""

from sqlalchemy import func, select

from app.db.tables import BenchmarkScoreRow
from tests.access_support import Tokens
from tests.conftest import gql
from tests.test_publish import create_model, error_of

RECORD = """
mutation($input: [ScoreInput!]!) {
  recordScores(input: $input) { benchmarkId score normalizedScore kind model { canonicalName } }
}
"""


async def score_count(engine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(BenchmarkScoreRow)))


async def some_benchmark(client) -> tuple[str, float]:
    body = await gql(client, "{ benchmarks(first: 50) { nodes { slug maxScore } } }")
    return next(
        (b["slug"], b["maxScore"]) for b in body["data"]["benchmarks"]["nodes"] if b["maxScore"]
    )


async def test_create_organization_is_for_admins(write_client, tokens):
    query = (
        'mutation { createOrganization(input: {slug: "initech", name: "Initech"}) { slug name } }'
    )
    writer = await gql(write_client, query, headers=Tokens.header(tokens.acme_writer))
    assert error_of(writer)["type"] == "permission_denied"
    admin = await gql(write_client, query, headers=Tokens.header(tokens.acme_admin))
    assert admin["data"]["createOrganization"] == {"slug": "initech", "name": "Initech"}
    again = await gql(write_client, query, headers=Tokens.header(tokens.acme_admin))
    assert error_of(again)["type"] == "already_exists"


async def test_create_model_reports_every_bad_field(write_client, tokens):
    body = await gql(
        write_client,
        """mutation { createModel(input: {organization: "acme", slug: "Bad Slug", name: "",
             url: "ftp://x", paramCount: -1, license: "no-such-license"}) { slug } }""",
        headers=Tokens.header(tokens.acme_writer),
    )
    envelope = error_of(body)
    assert envelope["type"] == "validation_error"
    assert {tuple(e["loc"]) for e in envelope["errors"]} == {
        ("input", "slug"),
        ("input", "name"),
        ("input", "url"),
        ("input", "paramCount"),
    }


async def test_create_model_in_another_organization_is_forbidden(write_client, tokens):
    body = await gql(
        write_client,
        'mutation { createModel(input: {organization: "acme", slug: "x", name: "X"}) { slug } }',
        headers=Tokens.header(tokens.globex_writer),
    )
    assert error_of(body)["type"] == "permission_denied"


async def test_update_model_changes_fields(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    body = await gql(
        write_client,
        """mutation { updateModel(org: "acme", name: "rocket", input: {
             description: "Fast", contextWindow: 128000, modalities: ["text", "image"],
             tags: [{identifier: "chat", name: "Chat"}] }) {
             description contextWindow modalities tags { identifier name } } }""",
        headers=Tokens.header(tokens.acme_writer),
    )
    assert body["data"]["updateModel"] == {
        "description": "Fast",
        "contextWindow": 128000,
        "modalities": ["text", "image"],
        "tags": [{"identifier": "chat", "name": "Chat"}],
    }
    found = await gql(
        write_client,
        '{ models(filter: {modality: "image", tag: "chat", organization: "acme"}) { totalCount } }',
    )
    assert found["data"]["models"]["totalCount"] == 1


async def test_record_scores_is_all_or_nothing(write_client, tokens, fresh_engine):
    await create_model(write_client, tokens.acme_writer)
    slug, max_score = await some_benchmark(write_client)
    before = await score_count(fresh_engine)
    rows = [
        {"org": "acme", "name": "rocket", "benchmark": slug, "score": max_score / 2,
         "sourceUrl": f"https://example.org/run/{i}"}
        for i in range(5)
    ]  # fmt: skip
    rows[3]["benchmark"] = "no-such-benchmark"
    bad = await gql(write_client, RECORD, {"input": rows}, Tokens.header(tokens.acme_writer))
    envelope = error_of(bad)
    assert envelope["type"] == "validation_error"
    assert [e["loc"] for e in envelope["errors"]] == [["input", 3, "benchmark"]]
    assert await score_count(fresh_engine) == before

    rows[3]["benchmark"] = slug
    good = await gql(write_client, RECORD, {"input": rows}, Tokens.header(tokens.acme_writer))
    assert "errors" not in good, good
    assert len(good["data"]["recordScores"]) == 5
    assert good["data"]["recordScores"][0]["normalizedScore"] == 50.0
    assert await score_count(fresh_engine) == before + 5


async def test_record_scores_limits_and_values(write_client, tokens):
    await create_model(write_client, tokens.acme_writer)
    slug, _ = await some_benchmark(write_client)
    row = {"org": "acme", "name": "rocket", "benchmark": slug, "score": 1.0}
    too_many = await gql(
        write_client, RECORD, {"input": [row] * 1001}, Tokens.header(tokens.acme_writer)
    )
    assert error_of(too_many)["type"] == "validation_error"
    duplicate = await gql(
        write_client, RECORD, {"input": [row, row]}, Tokens.header(tokens.acme_writer)
    )
    assert error_of(duplicate)["errors"][0]["loc"] == ["input", 1]
    other_org = await gql(
        write_client, RECORD, {"input": [row]}, Tokens.header(tokens.globex_writer)
    )
    assert error_of(other_org)["type"] == "permission_denied"


async def test_upsert_benchmark_and_provider_then_price_history(write_client, tokens):
    headers = Tokens.header(tokens.acme_writer)
    await create_model(write_client, tokens.acme_writer)
    bench = await gql(
        write_client,
        """mutation { upsertBenchmark(input: {slug: "rocket-bench", name: "Rocket Bench",
             category: "speed", maxScore: 10}) { slug maxScore } }""",
        headers=headers,
    )
    assert bench["data"]["upsertBenchmark"] == {"slug": "rocket-bench", "maxScore": 10.0}
    provider = await gql(
        write_client,
        'mutation { upsertProvider(input: {slug: "rockets-inc", name: "Rockets Inc"}) { slug name } }',
        headers=headers,
    )
    assert provider["data"]["upsertProvider"] == {"slug": "rockets-inc", "name": "Rockets Inc"}
    price = """mutation($in: Float!) { setPricing(input: {provider: "rockets-inc", org: "acme",
        name: "rocket", inputPricePerM: $in, outputPricePerM: 2.0}) { providerId inputPricePerM validTo } }"""
    first = await gql(write_client, price, {"in": 1.0}, headers)
    assert first["data"]["setPricing"] == {
        "providerId": "rockets-inc",
        "inputPricePerM": 1.0,
        "validTo": None,
    }
    second = await gql(write_client, price, {"in": 0.5}, headers)
    assert second["data"]["setPricing"]["inputPricePerM"] == 0.5
    view = await gql(
        write_client,
        """{ model(org: "acme", name: "rocket") { providers { inputPricePerM }
             old: providers(asOf: "2000-01-01T00:00:00Z") { inputPricePerM } } }""",
    )
    assert view["data"]["model"]["providers"] == [{"inputPricePerM": 0.5}]
    negative = await gql(write_client, price, {"in": -1.0}, headers)
    assert error_of(negative)["errors"][0]["loc"] == ["input", "inputPricePerM"]
