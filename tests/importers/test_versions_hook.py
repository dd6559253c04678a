"""The writer hands registry versions to the version writer under the model it resolved."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.db.engine import create_sessionmaker
from app.db.tables import ModelRow, ModelVersionRow, VersionFileRow
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


async def test_versions_are_written_under_the_resolved_model(empty_engine):
    sessions = create_sessionmaker(empty_engine)
    report = await run.write(sessions, _parsed(), Path("index.yaml"))
    # One version and its one file.
    assert report.problems == [] and report.tally("versions")["created"] == 2
    async with empty_engine.connect() as connection:
        model_id = await connection.scalar(select(ModelRow.id))
        rows = (
            await connection.execute(select(ModelVersionRow.model_id, ModelVersionRow.version))
        ).all()
        files = (await connection.execute(select(VersionFileRow.path, VersionFileRow.oid))).all()
    assert [tuple(r) for r in rows] == [(model_id, "1.0.0")]
    assert [tuple(f) for f in files] == [("model.gguf", "sha256:" + "a" * 64)]

    again = await run.write(sessions, _parsed(), Path("index.yaml"))
    assert again.tally("versions")["created"] == 0 and again.tally("versions")["unchanged"] == 2
