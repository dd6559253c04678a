"""best_scores, kept by triggers, against the rule computed afresh from the scores.

After every kind of write — through the ORM, through GraphQL mutations and in plain SQL, as
`scale.sql` and importers do — the table holds exactly what the scores say, and leaderboards
read from it answer what ranking the visible scores directly answers: for anonymous callers
and for an organization's token, with source, kind and model filters, page by page.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.auth import Viewer
from app.db.engine import create_sessionmaker, create_write_sessionmaker
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    BestScoreRow,
    ModelRow,
    ModelVersionRow,
    OrganizationRow,
)
from app.repositories import keyset, scores
from app.repositories.models import ModelFilter
from tests.access_support import Tokens
from tests.conftest import client_for, count_statements, gql
from tests.factories import version_row

# --- the rule, from the raw tables -------------------------------------------------------


@dataclass(frozen=True)
class Score:
    id: int
    model_id: int
    benchmark_id: int
    version_id: int | None
    score: float
    normalized: float | None
    source: str | None
    kind: str


SCORE_COLUMNS = (
    "id", "model_id", "benchmark_id", "version_id", "score", "normalized_score", "source", "kind",
)  # fmt: skip


async def _load(engine: AsyncEngine) -> dict[str, Any]:
    async with create_sessionmaker(engine)() as session:
        rows = (await session.execute(select(BenchmarkScoreRow))).scalars().all()
        benchmarks = {b.id: b for b in (await session.execute(select(BenchmarkRow))).scalars()}
        versions = {
            v.id: v.is_public
            for v in (await session.execute(select(ModelVersionRow))).scalars().all()
        }
        models = {m.id: m for m in (await session.execute(select(ModelRow))).scalars().all()}
        best = (await session.execute(select(BestScoreRow))).scalars().all()
    return {
        "scores": [Score(*(getattr(r, name) for name in SCORE_COLUMNS)) for r in rows],
        "benchmarks": {
            b.id: (b.max_score is not None, bool(b.higher_is_better)) for b in benchmarks.values()
        },
        "versions": versions,
        "models": {m.id: (bool(m.is_public), m.organization_id) for m in models.values()},
        "best": {
            (b.model_id, b.benchmark_id, b.grain, b.source, b.kind, b.audience): (
                b.score_id,
                b.value,
                bool(b.model_public),
                b.organization_id,
            )
            for b in best
        },
    }


def _value(data: dict[str, Any], s: Score) -> float | None:
    bounded, higher_is_better = data["benchmarks"][s.benchmark_id]
    raw = s.normalized if bounded else s.score
    if raw is None:
        return None
    return raw if higher_is_better else -raw


def _public_score(data: dict[str, Any], s: Score) -> bool:
    return s.version_id is None or bool(data["versions"][s.version_id])


def _best(candidates: list[tuple[float, int]]) -> tuple[int, float] | None:
    if not candidates:
        return None
    value, score_id = min(candidates, key=lambda c: (-c[0], c[1]))
    return score_id, value


def expected_table(data: dict[str, Any]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """What migration 0004 says best_scores holds."""
    groups: dict[tuple[Any, ...], dict[str, list[tuple[float, int]]]] = {}
    for s in data["scores"]:
        value = _value(data, s)
        if value is None:
            continue
        for grain in range(4):
            by_source, by_kind = grain in (1, 3), grain in (2, 3)
            if by_source and s.source is None:
                continue
            key = (
                s.model_id,
                s.benchmark_id,
                grain,
                s.source if by_source else "",
                s.kind if by_kind else "",
            )
            group = groups.setdefault(key, {"public": [], "owner": []})
            group["owner"].append((value, s.id))
            if _public_score(data, s):
                group["public"].append((value, s.id))
    table: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for key, group in groups.items():
        public, owner = _best(group["public"]), _best(group["owner"])
        model = data["models"][key[0]]
        if public is not None:
            table[(*key, "public")] = (*public, *model)
        if owner is not None and (public is None or owner[0] != public[0]):
            table[(*key, "owner")] = (*owner, *model)
    return table


def expected_board(
    data: dict[str, Any],
    viewer: Viewer,
    benchmark_id: int,
    source: str | None = None,
    kind: str | None = None,
    organization_id: int | None = None,
) -> list[tuple[int, int, float, int]]:
    """(model id, score id, value, rank) in leaderboard order, ranking the visible scores
    directly (what the window-function leaderboard did)."""
    org = viewer.organization_id
    per_model: dict[int, list[tuple[float, int]]] = {}
    for s in data["scores"]:
        is_public, owner = data["models"][s.model_id]
        mine = org is not None and owner == org
        if s.benchmark_id != benchmark_id or not (is_public or mine):
            continue
        if not (mine or _public_score(data, s)):
            continue
        if source is not None and s.source != source:
            continue
        if kind is not None and s.kind != kind:
            continue
        if organization_id is not None and owner != organization_id:
            continue
        value = _value(data, s)
        if value is not None:
            per_model.setdefault(s.model_id, []).append((value, s.id))
    best = {mid: _best(c) for mid, c in per_model.items()}
    entries = sorted(
        ((mid, b[0], b[1]) for mid, b in best.items() if b is not None),
        key=lambda e: (-e[2], e[0]),
    )
    return [(mid, sid, v, 1 + sum(1 for e in entries if e[2] > v)) for mid, sid, v in entries]


# --- what the service answers --------------------------------------------------------------


async def served_board(engine: AsyncEngine, viewer: Viewer, board: scores.Board, size: int):
    """The whole leaderboard, walked forwards in pages of `size`, and its count; also walked
    backwards from the end, which must give the same entries."""
    entries: list[tuple[int, int, float, int]] = []
    async with create_sessionmaker(engine)() as session:
        page = keyset.Page(size)
        while True:
            result = await scores.leaderboard(session, viewer, board, page)
            for record, rank in result.rows:
                value = _value_of(record, board.benchmark)
                entries.append((record.score.model_id, record.score.id, value, rank))
            if not result.has_next:
                break
            last = keyset.decode_cursor(result.cursors[-1], scores.LEADERBOARD_CURSOR, arg="after")
            page = keyset.Page(size, last)
        backwards: list[tuple[int, int]] = []
        page = keyset.Page(size, None, forward=False)
        while True:
            result = await scores.leaderboard(session, viewer, board, page)
            backwards[:0] = [(r.score.model_id, rank) for r, rank in result.rows]
            if not result.has_previous:
                break
            first = keyset.decode_cursor(result.cursors[0], scores.LEADERBOARD_CURSOR, arg="before")
            page = keyset.Page(size, first, forward=False)
        count = await scores.leaderboard_count(session, viewer, board)
    assert backwards == [(e[0], e[3]) for e in entries]
    assert count == len(entries)
    return entries


def _value_of(record: Any, benchmark: BenchmarkRow) -> float:
    raw = record.score.normalized_score if benchmark.max_score is not None else record.score.score
    return float(raw if benchmark.higher_is_better else -raw)


# --- a small world to write in ----------------------------------------------------------


@dataclass
class World:
    bounded: BenchmarkRow
    raw_lower: BenchmarkRow
    acme: int
    globex: int
    models: dict[str, int]
    versions: dict[str, int]


async def _world(engine: AsyncEngine) -> World:
    async with create_write_sessionmaker(engine)() as session, session.begin():
        bounded = BenchmarkRow(slug="trig-bounded", name="Trig bounded", max_score=100.0)
        raw_lower = BenchmarkRow(
            slug="trig-lower", name="Trig lower", max_score=None, higher_is_better=False
        )
        acme = OrganizationRow(slug="trig-acme", name="Trig Acme")
        globex = OrganizationRow(slug="trig-globex", name="Trig Globex")
        session.add_all([bounded, raw_lower, acme, globex])
        await session.flush()
        models = {}
        for name, org, public in (
            ("a1", acme, True),
            ("a2", acme, False),
            ("g1", globex, True),
            ("g2", globex, True),
            ("g3", globex, True),
        ):
            row = ModelRow(organization_id=org.id, slug=f"trig-{name}", name=name, is_public=public)
            session.add(row)
            await session.flush()
            models[name] = row.id
        versions = {}
        for name, model, public in (
            ("a1-pub", "a1", True),
            ("a1-priv", "a1", False),
            ("g1-priv", "g1", False),
        ):
            version = version_row(models[model], "1.0.0" if public else "2.0.0", is_public=public)
            session.add(version)
            await session.flush()
            versions[name] = version.id
    return World(bounded, raw_lower, acme.id, globex.id, models, versions)


def _score(world: World, model: str, normalized: float | None, **values: Any) -> BenchmarkScoreRow:
    fields: dict[str, Any] = {
        "model_id": world.models[model],
        "benchmark_id": world.bounded.id,
        "score": normalized if normalized is not None else 0.0,
        "max_score": 100.0,
        "normalized_score": normalized,
        "kind": "SELF_REPORTED",
        "source": "src-a",
    }
    fields.update(values)
    return BenchmarkScoreRow(**fields)


async def _check(engine: AsyncEngine, world: World) -> None:
    """The table equals the rule, and every board and viewer answers like the rule."""
    data = await _load(engine)
    assert data["best"] == expected_table(data)
    async with create_sessionmaker(engine)() as session:
        benchmarks = [
            await session.get(BenchmarkRow, world.bounded.id),
            await session.get(BenchmarkRow, world.raw_lower.id),
        ]
    viewers = [Viewer(), Viewer(organization_id=world.acme), Viewer(organization_id=world.globex)]
    filters: list[tuple[str | None, str | None]] = [
        (None, None),
        ("src-a", None),
        (None, "THIRD_PARTY"),
        ("src-b", "THIRD_PARTY"),
    ]
    for benchmark in benchmarks:
        assert benchmark is not None
        for viewer in viewers:
            for source, kind in filters:
                board = scores.Board(benchmark, scores=scores.ScoreFilter(source=source, kind=kind))
                want = expected_board(data, viewer, benchmark.id, source, kind)
                assert await served_board(engine, viewer, board, 2) == want, (viewer, source, kind)
            only_globex = scores.Board(benchmark, models=ModelFilter(organization="trig-globex"))
            want = expected_board(data, viewer, benchmark.id, organization_id=world.globex)
            assert await served_board(engine, viewer, only_globex, 2) == want


async def _write(engine: AsyncEngine, *statements: Any) -> None:
    async with create_write_sessionmaker(engine)() as session, session.begin():
        for statement in statements:
            if isinstance(statement, BenchmarkScoreRow):
                session.add(statement)
            else:
                await session.execute(statement)


async def _score_id(engine: AsyncEngine, model_id: int, normalized: float) -> int:
    async with create_sessionmaker(engine)() as session:
        found = await session.scalar(
            select(BenchmarkScoreRow.id).where(
                BenchmarkScoreRow.model_id == model_id,
                BenchmarkScoreRow.normalized_score == normalized,
            )
        )
    assert found is not None
    return found


async def test_best_scores_follow_every_write(fresh_engine: AsyncEngine) -> None:
    engine = fresh_engine
    world = await _world(engine)
    m, v = world.models, world.versions
    await _check(engine, world)  # nothing scored yet

    # Inserts: ties (g1, g2 at 80), sources, kinds, a private version's better score (a1),
    # a private model (a2), a score without a normalized value, lower-is-better raw scores.
    await _write(
        engine,
        _score(world, "a1", 70.0, version_id=v["a1-pub"]),
        _score(world, "a1", 95.0, version_id=v["a1-priv"], source="src-b", kind="THIRD_PARTY"),
        _score(world, "a2", 99.0),
        _score(world, "g1", 80.0, source="src-b", kind="THIRD_PARTY"),
        _score(world, "g1", 60.0, version_id=v["g1-priv"]),
        _score(world, "g2", 80.0),
        _score(world, "g2", 30.0, source=None),
        _score(world, "g3", None, score=12.0),
        _score(world, "g3", 80.0, kind="THIRD_PARTY", source="src-b"),
        *(
            _score(world, name, None, benchmark_id=world.raw_lower.id, score=value, max_score=None)
            for name, value in (("a1", 3.5), ("g1", 2.0), ("g2", 3.5), ("g3", 9.0), ("a2", 1.0))
        ),
    )
    await _check(engine, world)

    # Updates: a better score, a worse one (the best falls back), a changed source and kind.
    g2_best = await _score_id(engine, m["g2"], 80.0)
    await _write(
        engine,
        update(BenchmarkScoreRow)
        .where(BenchmarkScoreRow.id == await _score_id(engine, m["g3"], 80.0))
        .values(normalized_score=97.0, score=97.0),
    )
    await _write(
        engine,
        update(BenchmarkScoreRow)
        .where(BenchmarkScoreRow.id == g2_best)
        .values(normalized_score=10.0, score=10.0),
    )
    await _check(engine, world)
    await _write(
        engine,
        update(BenchmarkScoreRow)
        .where(BenchmarkScoreRow.id == g2_best)
        .values(source="src-b", kind="THIRD_PARTY", normalized_score=85.0, score=85.0),
    )
    await _check(engine, world)

    # Deletes: a model's best (the next one takes over) and its only score on a board.
    await _write(
        engine,
        delete(BenchmarkScoreRow).where(
            BenchmarkScoreRow.id == await _score_id(engine, m["g1"], 80.0)
        ),
    )
    await _check(engine, world)

    # Visibility: the private version goes public and back; the private model goes public.
    for public in (True, False):
        await _write(
            engine,
            update(ModelVersionRow)
            .where(ModelVersionRow.id == v["a1-priv"])
            .values(is_public=public),
        )
        await _check(engine, world)
    await _write(engine, update(ModelRow).where(ModelRow.id == m["a2"]).values(is_public=True))
    await _check(engine, world)
    await _write(engine, update(ModelRow).where(ModelRow.id == m["a1"]).values(is_public=False))
    await _check(engine, world)
    # A model changes hands: its new organization now ranks it by its private scores.
    await _write(
        engine, update(ModelRow).where(ModelRow.id == m["g1"]).values(organization_id=world.acme)
    )
    await _check(engine, world)

    # A benchmark's direction and scale change: every pair on it is re-ranked.
    await _write(
        engine,
        update(BenchmarkRow)
        .where(BenchmarkRow.id == world.raw_lower.id)
        .values(higher_is_better=True),
        update(BenchmarkRow).where(BenchmarkRow.id == world.bounded.id).values(max_score=None),
    )
    await _check(engine, world)
    await _write(
        engine,
        update(BenchmarkRow).where(BenchmarkRow.id == world.bounded.id).values(max_score=100.0),
    )
    await _check(engine, world)

    # Deleting a version nulls its scores' version (they become public); a model goes away.
    await _write(engine, delete(ModelVersionRow).where(ModelVersionRow.id == v["g1-priv"]))
    await _check(engine, world)
    await _write(engine, delete(ModelRow).where(ModelRow.id == m["g3"]))
    await _check(engine, world)


async def test_best_scores_follow_plain_sql(fresh_engine: AsyncEngine) -> None:
    """Rows written in SQL without the service (what scale.sql does: many rows per
    statement, copied from existing ones) are ranked like any other."""
    engine = fresh_engine
    world = await _world(engine)
    await _write(
        engine,
        _score(world, "g1", 40.0),
        _score(world, "g2", 50.0, version_id=None),
        _score(world, "a1", 90.0, version_id=world.versions["a1-priv"]),
    )
    async with engine.begin() as conn:
        # Many rows in one statement: every score copied to g3, 5 points better.
        await conn.execute(
            text(
                "INSERT INTO benchmark_scores (model_id, benchmark_id, version_id, score,"
                " max_score, normalized_score, is_self_reported, is_verified, kind, source,"
                " variant) SELECT :g3, benchmark_id, NULL, score + 5, max_score,"
                " normalized_score + 5, is_self_reported, is_verified, kind, 'copy', variant"
                " FROM benchmark_scores WHERE benchmark_id = :b"
            ),
            {"g3": world.models["g3"], "b": world.bounded.id},
        )
    await _check(engine, world)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE benchmark_scores SET normalized_score = 1 WHERE source = 'copy'")
        )
    await _check(engine, world)
    async with engine.begin() as conn:
        await conn.execute(
            text("DELETE FROM benchmark_scores WHERE model_id = :g"), {"g": world.models["g1"]}
        )
    await _check(engine, world)


async def test_the_demo_catalog_is_backfilled(seeded_engine: AsyncEngine) -> None:
    """The migration's backfill and the seed's writes agree with the rule, and so does every
    benchmark's leaderboard."""
    data = await _load(seeded_engine)
    assert data["best"], "the demo catalog has scores"
    assert data["best"] == expected_table(data)
    async with create_sessionmaker(seeded_engine)() as session:
        benchmarks = (await session.execute(select(BenchmarkRow))).scalars().all()
    for benchmark in benchmarks:
        board = scores.Board(benchmark)
        want = expected_board(data, Viewer(), benchmark.id)
        assert await served_board(seeded_engine, Viewer(), board, 7) == want


LEADERBOARD = """
query($b: String!, $first: Int!) { leaderboard(benchmark: $b, first: $first) {
  totalCount edges { node { rank normalizedScore score { score } model { canonicalName } } }
} }
"""


async def test_owner_token_ranks_by_its_private_scores(
    fresh_engine: AsyncEngine, tokens: Tokens
) -> None:
    """Over HTTP: an organization's token ranks its own models by their private versions'
    scores and sees its private models; others do not."""
    async with create_sessionmaker(fresh_engine)() as session:
        acme = await session.scalar(
            select(OrganizationRow.id).where(OrganizationRow.slug == "acme")
        )
    assert acme is not None
    async with create_write_sessionmaker(fresh_engine)() as session, session.begin():
        bench = BenchmarkRow(slug="tok-bench", name="Tok bench", max_score=100.0)
        public = ModelRow(organization_id=acme, slug="tok-public", name="tok public")
        secret = ModelRow(
            organization_id=acme, slug="tok-secret", name="tok secret", is_public=False
        )
        session.add_all([bench, public, secret])
        await session.flush()
        hidden = version_row(public.id, "9.0.0", is_public=False)
        session.add(hidden)
        await session.flush()
        session.add_all(
            [
                BenchmarkScoreRow(model_id=public.id, benchmark_id=bench.id, score=50.0,
                                  max_score=100.0, normalized_score=50.0),
                BenchmarkScoreRow(model_id=public.id, benchmark_id=bench.id, score=90.0,
                                  max_score=100.0, normalized_score=90.0, version_id=hidden.id),
                BenchmarkScoreRow(model_id=secret.id, benchmark_id=bench.id, score=70.0,
                                  max_score=100.0, normalized_score=70.0),
            ]
        )  # fmt: skip

    def entries(body: dict[str, Any]) -> list[tuple[str, int, float]]:
        assert "errors" not in body, body
        board = body["data"]["leaderboard"]
        found = [
            (e["node"]["model"]["canonicalName"], e["node"]["rank"], e["node"]["normalizedScore"])
            for e in board["edges"]
        ]
        assert board["totalCount"] == len(found)
        return found

    async with client_for(fresh_engine) as http:
        variables = {"b": "tok-bench", "first": 10}
        anonymous = entries(await gql(http, LEADERBOARD, variables))
        owner = entries(await gql(http, LEADERBOARD, variables, Tokens.header(tokens.acme_reader)))
        other = entries(
            await gql(http, LEADERBOARD, variables, Tokens.header(tokens.globex_writer))
        )
    assert anonymous == other == [("acme/tok-public", 1, 50.0)]
    assert owner == [("acme/tok-public", 1, 90.0), ("acme/tok-secret", 2, 70.0)]


async def test_leaderboard_statements_do_not_grow(fresh_engine: AsyncEngine) -> None:
    """One page of a leaderboard (with its models) runs the same statements on a board of 3
    models as on one of 120."""
    engine = fresh_engine
    async with create_write_sessionmaker(engine)() as session, session.begin():
        bench = BenchmarkRow(slug="grow-bench", name="Grow bench", max_score=100.0)
        org = OrganizationRow(slug="grow-org", name="Grow org")
        session.add_all([bench, org])
        await session.flush()
        bench_id, org_id = bench.id, org.id

    async def add_models(start: int, count: int) -> None:
        async with create_write_sessionmaker(engine)() as session, session.begin():
            for i in range(start, start + count):
                model = ModelRow(organization_id=org_id, slug=f"grow-{i}", name=f"grow {i}")
                session.add(model)
                await session.flush()
                for value in (i % 17, (i * 7) % 23):
                    session.add(
                        BenchmarkScoreRow(model_id=model.id, benchmark_id=bench_id,
                                          score=float(value), max_score=100.0,
                                          normalized_score=float(value))
                    )  # fmt: skip

    query = """query($first: Int!) { leaderboard(benchmark: "grow-bench", first: $first) {
      totalCount pageInfo { hasNextPage } edges { cursor node { rank normalizedScore
      score { score source } model { canonicalName organization { name } topScores(limit: 2) { score } } } }
    } }"""  # fmt: skip

    async def measure(first: int) -> tuple[int, dict[str, Any]]:
        # The resolver path's statements (a compiled operation is one statement).
        async with client_for(engine, compiler=False) as http:
            with count_statements(engine) as counter:
                body = await gql(http, query, {"first": first})
        assert "errors" not in body, body
        return counter.count, body["data"]["leaderboard"]

    await add_models(0, 3)
    small, small_board = await measure(3)
    await add_models(3, 117)
    big, big_board = await measure(50)
    assert len(small_board["edges"]) == 3 and small_board["totalCount"] == 3
    assert len(big_board["edges"]) == 50 and big_board["totalCount"] == 120
    assert big_board["pageInfo"]["hasNextPage"]
    ranks = [e["node"]["rank"] for e in big_board["edges"]]
    assert ranks == sorted(ranks) and len(set(ranks)) < len(ranks)  # ties share a rank
    assert small == big, f"statements: {small} on 3 models, {big} on 120"


async def test_concurrent_writers_of_one_model(fresh_engine: AsyncEngine) -> None:
    """Two transactions scoring the same model and benchmark at once: the second one's
    trigger waits for the first to commit, then counts both scores (no duplicate rows, no
    stale best)."""
    engine = fresh_engine
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time (BEGIN IMMEDIATE): writes cannot interleave")
    world = await _world(engine)
    insert = text(
        "INSERT INTO benchmark_scores (model_id, benchmark_id, score, max_score,"
        " normalized_score, is_self_reported, is_verified, kind, source, variant)"
        " VALUES (:m, :b, :v, 100, :v, true, false, 'SELF_REPORTED', :s, '')"
    )
    pair = {"m": world.models["g1"], "b": world.bounded.id}
    async with engine.connect() as first, engine.connect() as second:
        await first.begin()
        await second.begin()
        await first.execute(insert, {**pair, "v": 80.0, "s": "src-a"})
        # The second writer's statement runs while the first is open (its trigger blocks).
        pending = asyncio.create_task(second.execute(insert, {**pair, "v": 90.0, "s": "src-b"}))
        await asyncio.sleep(0.5)
        await first.commit()
        await pending
        await second.commit()
    await _check(engine, world)
    data = await _load(engine)
    best = data["best"][(world.models["g1"], world.bounded.id, 0, "", "", "public")]
    assert best[1] == 90.0
