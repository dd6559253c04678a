"""write_versions: gallery versions and files upserted idempotently, in a constant number of
queries (SQLite and PostgreSQL via the conftest engines)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_write_sessionmaker
from app.db.tables import ModelRow, ModelVersionRow, OrganizationRow, VersionFileRow
from app.importers.records import FileRecord, ModelRecord, ModelRef, VersionRecord
from app.importers.version_writer import artifact_id, write_versions
from app.seed.upsert import Tally
from app.services import semver
from tests.conftest import count_statements

SHA_A = "sha256:" + "a" * 64
SHA_B = "sha256:" + "b" * 64
SHA_C = "sha256:" + "c" * 64


def _record(
    external_id: str, files: tuple[FileRecord, ...], version: str = "1.0.0"
) -> VersionRecord:
    model = ModelRecord(
        ref=ModelRef("localai", external_id), organization_slug="acme", name=external_id
    )
    return VersionRecord(
        model=model,
        version=version,
        files=files,
        description=f"{external_id} build",
        tags=("llm", "gguf"),
        origin={"source": "localai", "gallery_entry": external_id},
    )


async def _models(engine: AsyncEngine) -> dict[str, int]:
    async with create_write_sessionmaker(engine).begin() as session:
        org = OrganizationRow(slug="import-test-org", name="Import test org")
        session.add(org)
        await session.flush()
        rows = [ModelRow(organization_id=org.id, slug=s, name=s) for s in ("alpha", "beta")]
        session.add_all(rows)
        await session.flush()
        return {"alpha": rows[0].id, "beta": rows[1].id}


async def _write(engine: AsyncEngine, records: list[VersionRecord], ids: dict[str, int]) -> Tally:
    tally = Tally()
    async with create_write_sessionmaker(engine).begin() as session:
        await write_versions(session, records, ids, tally)
    return tally


async def test_second_run_is_all_unchanged(fresh_engine: AsyncEngine) -> None:
    ids = await _models(fresh_engine)
    records = [
        _record("alpha", (FileRecord("a.gguf", SHA_A, 10), FileRecord("b.gguf", SHA_B, None))),
        _record("beta", (FileRecord("c.gguf", SHA_C, 7),), version="2.0.0-rc.1"),
        _record("not-resolved", (FileRecord("x.gguf", SHA_A, 1),)),
    ]
    first = await _write(fresh_engine, records, ids)
    assert dict(first) == {"created": 5}  # 2 versions + 3 files; the unresolved one is left out

    with count_statements(fresh_engine) as counter:
        second = await _write(fresh_engine, records, ids)
    assert dict(second) == {"unchanged": 5}
    assert counter.count == 2  # one SELECT for the versions, one for their files; no writes

    async with create_write_sessionmaker(fresh_engine)() as session:
        versions = {
            v.model_id: v
            for v in (
                await session.scalars(
                    select(ModelVersionRow).where(ModelVersionRow.model_id.in_(ids.values()))
                )
            ).all()
        }
        files = (
            await session.scalars(
                select(VersionFileRow)
                .where(VersionFileRow.version_id.in_([v.id for v in versions.values()]))
                .order_by(VersionFileRow.path)
            )
        ).all()
    alpha, beta = versions[ids["alpha"]], versions[ids["beta"]]
    assert alpha.version == "1.0.0" and alpha.file_size_bytes == 10
    assert alpha.artifact_id == artifact_id("localai", ids["alpha"], "alpha", "1.0.0")
    assert uuid.UUID(alpha.artifact_id).version == 5
    assert alpha.origin == {"source": "localai", "gallery_entry": "alpha"}
    assert alpha.tags == ["llm", "gguf"] and alpha.long_description == "alpha build"
    assert beta.is_prerelease and beta.semver_key == semver.sort_key(semver.parse("2.0.0-rc.1"))
    assert [(f.path, f.oid, f.size_bytes) for f in files] == [
        ("a.gguf", SHA_A, 10),
        ("b.gguf", SHA_B, 0),  # no size given by the gallery
        ("c.gguf", SHA_C, 7),
    ]


async def test_changed_and_dropped_files(fresh_engine: AsyncEngine) -> None:
    ids = await _models(fresh_engine)
    before = [_record("alpha", (FileRecord("a.gguf", SHA_A, 10), FileRecord("b.gguf", SHA_B, 5)))]
    await _write(fresh_engine, before, ids)
    after = [_record("alpha", (FileRecord("a.gguf", SHA_C, 12),))]
    tally = await _write(fresh_engine, after, ids)
    # the version (size 15 -> 12) and file a.gguf (new oid) change; b.gguf is gone
    assert dict(tally) == {"updated": 2, "deleted": 1}
    async with create_write_sessionmaker(fresh_engine)() as session:
        rows = (
            await session.execute(
                select(VersionFileRow.path, VersionFileRow.oid, ModelVersionRow.file_size_bytes)
                .join(ModelVersionRow, ModelVersionRow.id == VersionFileRow.version_id)
                .where(ModelVersionRow.model_id == ids["alpha"])
            )
        ).all()
    assert [tuple(r) for r in rows] == [("a.gguf", SHA_C, 12)]


async def test_two_records_for_one_model_version_first_wins(fresh_engine: AsyncEngine) -> None:
    ids = await _models(fresh_engine)
    records = [
        _record("alpha", (FileRecord("a.gguf", SHA_A, 1),)),
        _record("alias-of-alpha", (FileRecord("z.gguf", SHA_B, 1),)),
    ]
    tally = await _write(fresh_engine, records, {**ids, "alias-of-alpha": ids["alpha"]})
    assert dict(tally) == {"created": 2, "skipped": 1}
