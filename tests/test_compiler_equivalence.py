"""The resolver path is the compiler's oracle: the same answers, errors included.

Every corpus operation (tests/compiler_corpus.py) runs through an app with the compiler off,
then through one with it on, on SQLite and PostgreSQL, anonymous and with acme's token (its
private model, versions, score and price present). The answers must be identical JSON, but for
`extensions.plan` and the request id. `CATALOG_CORPUS_SIZE` sets the number of generated
operations per database and scope (CI: 60, besides the README and benchmark queries and
their follow-up pages; the full corpus: 2000).
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.db.tables import (
    BenchmarkRow,
    FamilyRow,
    LicenseRow,
    ModelModalityRow,
    ModelRow,
    ModelTagRow,
    ModelVersionRow,
    OrganizationRow,
    ProviderRow,
)
from app.graphql.types.node import to_global_id
from app.main import create_app
from app.settings import Settings
from tests.access_support import Tokens
from tests.compiler_corpus import (
    Catalog,
    Generator,
    Operation,
    cursor_followups,
    load_readme_and_peers,
)
from tests.test_leak_probe import build_private_world

CORPUS_SIZE = int(os.environ.get("CATALOG_CORPUS_SIZE", "60"))
SEED = int(os.environ.get("CATALOG_CORPUS_SEED", "11"))


def _client(engine: Any, compiler: bool) -> httpx.AsyncClient:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        debug=True,
        compiler=compiler,
        rate_limit_per_minute=0,
    )
    app = create_app(settings, engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://catalog.test")


async def _catalog(engine: Any) -> Catalog:
    async with engine.connect() as conn:

        async def column(stmt: Any) -> list[Any]:
            return sorted({row[0] for row in (await conn.execute(stmt)).all()})

        models = (
            await conn.execute(
                select(OrganizationRow.slug, ModelRow.slug).join(
                    OrganizationRow, OrganizationRow.id == ModelRow.organization_id
                )
            )
        ).all()
        return Catalog(
            models=sorted((o, m) for o, m in models),
            organizations=await column(select(OrganizationRow.slug)),
            licenses=await column(select(LicenseRow.slug)),
            families=await column(select(FamilyRow.slug)),
            benchmarks=await column(select(BenchmarkRow.slug)),
            providers=await column(select(ProviderRow.slug)),
            tags=await column(select(ModelTagRow.identifier)),
            modalities=await column(select(ModelModalityRow.modality)),
            node_ids=await _node_ids(conn),
        )


async def _node_ids(conn: Any) -> list[str]:
    """A few ids of each type `node` compiles (private models and versions among them, as
    the tokens fixture makes them), ids of nothing, and ids of a type left to the resolvers."""
    ids: list[str] = []
    for type_name, table in [
        ("Model", ModelRow), ("ModelVersion", ModelVersionRow), ("Organization", OrganizationRow),
        ("License", LicenseRow), ("Family", FamilyRow), ("Benchmark", BenchmarkRow),
    ]:  # fmt: skip
        pks = sorted(row[0] for row in (await conn.execute(select(table.id))).all())
        chosen = pks[:4] + pks[-4:]  # the private objects are the newest
        ids += [to_global_id(type_name, pk) for pk in chosen]
        ids.append(to_global_id(type_name, (pks[-1] if pks else 0) + 1000))  # nothing
    ids += [to_global_id("Provider", 1), to_global_id("BenchmarkScore", 1)]
    return ids


def _comparable(response: httpx.Response) -> Any:
    body = response.json()
    (body.get("extensions") or {}).pop("plan", None)
    for error in body.get("errors") or ():
        (error.get("extensions") or {}).pop("requestId", None)
    return response.status_code, body


async def _both(
    off: httpx.AsyncClient, on: httpx.AsyncClient, op: Operation, headers: dict[str, str]
) -> tuple[bool, Any]:
    payload = {"query": op.query, "variables": op.variables}
    try:
        expected = await off.post("/graphql", json=payload, headers=headers)
        got = await on.post("/graphql", json=payload, headers=headers)
    except Exception as error:
        raise AssertionError(f"request failed for\n{op.show()}") from error
    plan = (got.json().get("extensions") or {}).get("plan")
    left, right = _comparable(expected), _comparable(got)
    assert left == right, (
        f"answers differ ({plan}) for\n{op.show()}\nresolver: {left}\ncompiled: {right}"
    )
    return plan == "compiled", expected.json().get("data")


# The private world's writes leave a pooled connection to the garbage collector on SQLite
# (with the compiler off as well): not this test's subject.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("scope", ["anonymous", "acme"])
async def test_compiled_answers_equal_the_resolvers(fresh_engine: Any, tokens: Tokens, scope: str):
    headers = Tokens.header(tokens.acme_reader) if scope == "acme" else {}
    async with _client(fresh_engine, False) as off, _client(fresh_engine, True) as on:
        await build_private_world(off, tokens)
        generator = Generator(SEED, await _catalog(fresh_engine))
        operations = load_readme_and_peers() + [generator.operation() for _ in range(CORPUS_SIZE)]
        compiled = total = 0
        pending = list(operations)
        while pending:
            op = pending.pop(0)
            was_compiled, data = await _both(off, on, op, headers)
            total += 1
            compiled += was_compiled
            pending[:0] = cursor_followups(op, data)
    # Not vacuous: most operations took the compiled path.
    assert compiled >= 0.6 * total, (compiled, total)
