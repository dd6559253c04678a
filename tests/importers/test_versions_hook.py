"""The writer hands registry versions to `app.importers.version_writer.write_versions` with the
resolved model ids (the interface shared with the gallery importers)."""

from __future__ import annotations

import sys
import types
from pathlib import Path

from sqlalchemy import select

from app.db.engine import create_sessionmaker
from app.db.tables import ModelRow
from app.importers import run
from app.importers.records import FileRecord, ModelRecord, ModelRef, ParsedSource, VersionRecord


def _parsed() -> ParsedSource:
    model = ModelRecord(
        ref=ModelRef("gallery-test", "llama-3.2-1b-instruct:q4_k_m", hf_repo="bartowski/x"),
        organization_slug="meta",
        name="Llama 3.2 1B Instruct",
    )
    version = VersionRecord(
        model=model,
        version="1.0.0",
        files=(FileRecord("model.gguf", "sha256:" + "a" * 64, 10),),
        location="index.yaml#0",
    )
    return ParsedSource(source="gallery-test", models=[model], versions=[version])


async def test_versions_go_to_the_version_writer(empty_engine, monkeypatch):
    calls = []

    async def write_versions(session, records, model_ids, tally):
        calls.append((list(records), dict(model_ids)))
        tally["created"] += len(records)

    fake = types.ModuleType("app.importers.version_writer")
    fake.write_versions = write_versions  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "app.importers.version_writer", fake)

    report = await run.write(create_sessionmaker(empty_engine), _parsed(), Path("index.yaml"))
    assert report.problems == [] and report.tally("versions")["created"] == 1
    [(records, model_ids)] = calls
    async with empty_engine.connect() as connection:
        model_id = await connection.scalar(select(ModelRow.id))
    assert [r.version for r in records] == ["1.0.0"]
    assert model_ids == {"llama-3.2-1b-instruct:q4_k_m": model_id}


async def test_versions_without_a_version_writer_are_reported(empty_engine, monkeypatch):
    monkeypatch.setitem(sys.modules, "app.importers.version_writer", None)
    report = await run.write(create_sessionmaker(empty_engine), _parsed(), Path("index.yaml"))
    assert report.exit_code == 1
    assert [p.reason for p in report.problems] == [
        "registry versions cannot be written: no version writer"
    ]
