"""Identity across spellings: every source imported into the demo catalog (`catalog seed`, then
each `catalog import` in the README's order) leaves no two models of one organization whose
names differ only in spelling (dots, dashes, underscores, case, `llama3` vs `llama-3`, a
maker's vendor word as in renamed Hugging Face repos: `spelling_merge.name_key`).

The demo seed names Meta's model `meta/llama-3-1-70b-instruct` (weights
`meta-llama/Llama-3.1-70B-Instruct`); llm-stats names it `llama-3.1-70b-instruct` (weights
`meta-llama/Meta-Llama-3.1-70B-Instruct`, the repo's earlier name). Both are one model, which
keeps both sources' MMLU and none of the 405B sibling's. It is spelled as the sources spell it
(the survivor is the model the most sources know), and the seed's spelling still finds it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_engine
from app.db.tables import ModelRow, OrganizationRow
from app.importers.report import ImportReport
from app.services.spelling_merge import name_key
from tests.conftest import client_for, gql
from tests.databases import DatabaseFactory
from tests.importers.support import datasets_dir, import_, rows
from tests.importers.test_all_sources import OBSERVED_AT, ORDER


@dataclass
class Demo:
    engine: AsyncEngine
    reports: list[ImportReport]


@pytest.fixture(scope="module")
async def demo(databases: DatabaseFactory, seeded_template: str) -> AsyncIterator[Demo]:
    root = datasets_dir()
    engine = create_engine(await databases.copy(seeded_template, "spellings"))
    reports = [
        await import_(engine, source, root / path, OBSERVED_AT.get(source))
        for source, path, _ in ORDER
    ]
    yield Demo(engine, reports)
    await engine.dispose()


async def same_spelling_pairs(engine: AsyncEngine) -> list[tuple[str, list[str]]]:
    """(organization, slugs) for every spelling key shared by two or more of its models."""
    stmt = select(OrganizationRow.slug, ModelRow.slug).join(
        OrganizationRow, OrganizationRow.id == ModelRow.organization_id
    )
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for org, slug in await rows(engine, stmt):
        groups[(org, name_key(slug))].append(slug)
    return sorted((org, sorted(slugs)) for (org, _), slugs in groups.items() if len(slugs) > 1)


async def test_no_two_models_of_one_organization_share_a_normalized_name(demo: Demo) -> None:
    assert [(r.source, r.exit_code) for r in demo.reports] == [(s, c) for s, _, c in ORDER], [
        line for r in demo.reports for line in r.lines() if r.problems
    ]
    assert await same_spelling_pairs(demo.engine) == []


async def test_the_demo_model_and_the_sources_spellings_are_one_model(demo: Demo) -> None:
    query = """query($id: String!) { resolveModel(id: $id) {
        id canonicalName externalIds { source id }
        scores(filter: {benchmark: "mmlu"}, first: 20) { nodes { score source } } } }"""
    async with client_for(demo.engine) as http:

        async def resolve(ref: str) -> dict[str, Any]:
            body = await gql(http, query, {"id": ref})
            model = body["data"]["resolveModel"]
            assert model is not None, (ref, body.get("errors"))
            return dict(model)

        seed = await resolve("meta/llama-3-1-70b-instruct")
        assert seed["canonicalName"] == "meta/llama-3.1-70b-instruct"
        for ref in (
            "llama-3.1-70b-instruct",  # llm-stats
            "meta/llama-3.1-70b-instruct",
            "meta-llama/Meta-Llama-3.1-70B-Instruct",  # llm-stats' weights repo (renamed)
            "meta-llama/Llama-3.1-70B-Instruct",  # the Open LLM Leaderboard's, the seed's
            "Llama-3.1-70B-Instruct",  # Epoch
            "ovhcloud/Meta-Llama-3_1-70B-Instruct",  # LiteLLM
        ):
            assert (await resolve(ref))["id"] == seed["id"], ref
        ids = {(e["source"], e["id"]) for e in seed["externalIds"]}
        assert ("llm-stats", "llama-3.1-70b-instruct") in ids
        assert ("open-llm-leaderboard", "meta-llama/Llama-3.1-70B-Instruct") in ids
        # The 70B's MMLU (Meta's model card: 83.6; llm-stats 0.836; Epoch's own run 0.801),
        # not the 405B sibling's (87.3, 0.873), which stays with the 405B model.
        mmlu = sorted((n["source"], n["score"]) for n in seed["scores"]["nodes"])
        assert mmlu == [
            ("Meta Llama 3.1 model card", 83.6),
            ("epoch", 0.801),
            ("llm-stats", 0.836),
        ]
        big = await resolve("llama-3.1-405b-instruct")
        assert big["canonicalName"] == "meta/llama-3.1-405b-instruct" and big["id"] != seed["id"]
        big_mmlu = {(n["source"], n["score"]) for n in big["scores"]["nodes"]}
        assert {("Meta Llama 3.1 model card", 87.3), ("llm-stats", 0.873)} <= big_mmlu


async def test_command_r_plus_is_not_command_r(demo: Demo) -> None:
    """A `+` is part of a name (LMArena's "Command R+ (08-2024)"), never a separator."""
    query = """query($id: String!) { resolveModel(id: $id) { id canonicalName } }"""
    async with client_for(demo.engine) as http:
        plus = (await gql(http, query, {"id": "Command R+ (08-2024)"}))["data"]["resolveModel"]
        plain = (await gql(http, query, {"id": "Command R (08-2024)"}))["data"]["resolveModel"]
    assert plus is not None and plain is not None
    assert plus["id"] != plain["id"]
    assert "plus" in plus["canonicalName"] and "plus" not in plain["canonicalName"]


async def test_every_spelling_of_a_name_finds_the_merged_model(demo: Demo) -> None:
    """`model(org, name)`: the name as stored first, else the one visible model of the
    organization whose name is the same in another spelling."""
    query = """query($org: String!, $name: String!) {
        model(org: $org, name: $name) { canonicalName } }"""
    async with client_for(demo.engine) as http:
        for org, name, canonical in (
            ("meta", "llama-3-1-70b-instruct", "meta/llama-3.1-70b-instruct"),  # the seed's
            ("meta", "llama-3.1-70b-instruct", "meta/llama-3.1-70b-instruct"),
            ("meta", "Meta-Llama-3.1-70B-Instruct", "meta/llama-3.1-70b-instruct"),
            ("meta", "llama3_1-70b-instruct", "meta/llama-3.1-70b-instruct"),
            ("meta", "llama-3-1-8b-instruct", "meta/llama-3.1-8b-instruct"),
            ("google", "gemini-1-5-pro", "google/gemini-1.5-pro"),
        ):
            body = await gql(http, query, {"org": org, "name": name})
            assert body["data"]["model"] == {"canonicalName": canonical}, (name, body)
        missing = await gql(http, query, {"org": "meta", "name": "llama-9-9b"})
        assert missing["data"]["model"] is None
        assert missing["errors"][0]["extensions"]["type"] == "not_found"


async def test_a_model_the_sources_already_name_keeps_its_slug(demo: Demo) -> None:
    """Llama 3.3: llm-stats names the seed's weights repo exactly, so its id joined the seed's
    model on import; LiteLLM's spellings (`llama3-3-70b-instruct`, `llama-3_3-70b-instruct`,
    `llama3.3-70b-instruct`) were models of one source each and merged into it."""
    query = """query($org: String!, $name: String!) {
        model(org: $org, name: $name) { canonicalName externalIds { source id } } }"""
    async with client_for(demo.engine) as http:
        body = await gql(http, query, {"org": "meta", "name": "llama3-3-70b-instruct"})
    model = body["data"]["model"]
    assert model["canonicalName"] == "meta/llama-3-3-70b-instruct"
    ids = {(e["source"], e["id"]) for e in model["externalIds"]}
    assert {
        ("llm-stats", "llama-3.3-70b-instruct"),
        ("litellm", "meta.llama3-3-70b-instruct-v1:0"),
    } <= ids
