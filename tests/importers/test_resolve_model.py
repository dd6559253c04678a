"""`resolveModel(id:)` and `Model.externalIds` over imported data."""

from __future__ import annotations

from sqlalchemy import update

from app.db.engine import create_sessionmaker
from app.db.tables import ModelRow, OrganizationRow
from tests.conftest import client_for, gql
from tests.importers.support import LITELLM_2025, datasets_dir, import_, load_json

QUERY = """query($id: String!) { resolveModel(id: $id) {
    canonicalName externalIds { source id } } }"""


async def _resolve(engine, ref: str) -> dict:
    async with client_for(engine) as http:
        return await gql(http, QUERY, {"id": ref})


async def test_any_source_id_resolves_to_one_canonical_model(empty_engine):
    await import_(empty_engine, "llm-stats", datasets_dir() / "llm-stats")
    await import_(empty_engine, "litellm", datasets_dir() / LITELLM_2025)
    raw = load_json(datasets_dir() / LITELLM_2025)
    bedrock = "anthropic.claude-3-5-sonnet-20241022-v2:0"
    assert bedrock in raw

    for ref in (
        "claude-3-5-sonnet-20241022",  # llm-stats id (and LiteLLM's bare key)
        bedrock,  # LiteLLM Bedrock key: tier 2 after normalization
        "anthropic/claude-3-5-sonnet-20241022",  # canonical org/slug
        "vertex_ai/claude-3-5-sonnet-v2@20241022",  # Vertex's name: the alias table (tier 4)
    ):
        body = await _resolve(empty_engine, ref)
        model = body["data"]["resolveModel"]
        assert model["canonicalName"] == "anthropic/claude-3-5-sonnet-20241022", ref
        ids = {(e["source"], e["id"]) for e in model["externalIds"]}
        assert ("llm-stats", "claude-3-5-sonnet-20241022") in ids
        assert ("litellm", bedrock) in ids

    # Tier 4: the alias table joins Anthropic's API id to llm-stats' announcement-date id.
    body = await _resolve(empty_engine, "claude-haiku-4-5-20251001")
    assert body["data"]["resolveModel"]["canonicalName"] == "anthropic/claude-haiku-4-5-20251015"

    # Tier 3: a Hugging Face repo id.
    body = await _resolve(empty_engine, "Qwen/Qwen3-32B")
    assert body["data"]["resolveModel"]["canonicalName"] == "qwen/qwen3-32b"


async def test_unknown_private_and_ambiguous_ids(empty_engine):
    await import_(empty_engine, "llm-stats", datasets_dir() / "llm-stats")

    body = await _resolve(empty_engine, "no-such-model-anywhere")
    assert body["data"]["resolveModel"] is None
    assert body["errors"][0]["extensions"]["type"] == "not_found"

    # A private model is indistinguishable from a missing one for anonymous callers.
    async with create_sessionmaker(empty_engine)() as session, session.begin():
        await session.execute(
            update(ModelRow).where(ModelRow.slug == "gpt-4o-2024-08-06").values(is_public=False)
        )
    body = await _resolve(empty_engine, "gpt-4o-2024-08-06")
    assert body["data"]["resolveModel"] is None
    assert body["errors"][0]["extensions"]["type"] == "not_found"

    # Two visible models with one normalized id: the maker the name reveals answers (o1 is
    # OpenAI's); where the name reveals none, the ambiguity is reported, never guessed.
    async with create_sessionmaker(empty_engine)() as session, session.begin():
        mirror, copy = (
            OrganizationRow(slug="mirror", name="Mirror"),
            OrganizationRow(slug="copycat", name="Copycat"),
        )
        session.add_all([mirror, copy])
        await session.flush()
        session.add(ModelRow(organization_id=mirror.id, slug="o1-mini", name="o1 mini copy"))
        for org in (mirror, copy):
            session.add(ModelRow(organization_id=org.id, slug="widget-9b", name="Widget 9B"))
    body = await _resolve(empty_engine, "someprovider/o1-mini")
    assert body["data"]["resolveModel"]["canonicalName"] == "openai/o1-mini", body
    body = await _resolve(empty_engine, "someprovider/widget-9b")
    assert body["data"]["resolveModel"] is None
    error = body["errors"][0]["extensions"]
    assert error["type"] == "invalid_request"
    assert "mirror/widget-9b" in error["detail"] and "copycat/widget-9b" in error["detail"]


async def test_external_ids_do_not_add_statements_per_model(empty_engine):
    from tests.conftest import count_statements

    await import_(empty_engine, "llm-stats", datasets_dir() / "llm-stats")
    query = """query($n: Int!) { models(first: $n) { edges { node {
        canonicalName externalIds { source id } } } } }"""
    counts = []
    async with client_for(empty_engine) as http:
        await gql(http, query, {"n": 1})  # first sight: validated (by the resolver path)
        for n in (2, 40):
            with count_statements(empty_engine) as counter:
                body = await gql(http, query, {"n": n})
            edges = body["data"]["models"]["edges"]
            assert len(edges) == n
            assert all(e["node"]["externalIds"] for e in edges)
            counts.append(counter.count)
    assert counts[0] == counts[1]
