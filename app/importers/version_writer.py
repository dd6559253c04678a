"""Registry versions from the model galleries (LocalAI, GPT4All) -> model_versions, version_files.

Called by the import writer inside its transaction, after models are resolved: `model_ids` maps
each record's `model.ref.external_id` to the canonical model id (records whose model was not
resolved are left out; the writer has reported them).

Idempotent: a version is found by (model id, version string) and a file by (version, path);
only changed values are written, and the tally counts created / updated / unchanged rows. Files
that a version no longer lists are deleted (tally "deleted"). A new version's `artifact_id` is
a uuid5 of (source, model id, external id, version), so a re-import into an empty database gives
the same ids; an existing version keeps its artifact id. The galleries give no file sizes for
some files (LocalAI): those are stored as 0 bytes (the column is required), and
`file_size_bytes` is the sum of the known sizes. Two records resolving to the same model and
version in one run: the first wins, the others are counted as "skipped".

Batched: one query loads the existing versions of all the models, one the files of those
versions, whatever the number of records.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import ModelVersionRow, VersionFileRow
from app.importers.records import VersionRecord
from app.seed.upsert import Index, Tally, upsert
from app.services import semver

# Fixed namespace so that artifact ids are stable across runs and machines.
ARTIFACT_NAMESPACE = uuid.UUID("6f1c2a0e-4b8d-5c3e-9a57-2d0e8b1f4c6a")
_CHUNK = 1000  # ids per IN (...) list, far below SQLite's and asyncpg's parameter limits


def artifact_id(source: str, model_id: int, external_id: str, version: str) -> str:
    name = "\x1f".join((source, str(model_id), external_id, version))
    return str(uuid.uuid5(ARTIFACT_NAMESPACE, name))


async def write_versions(
    session: AsyncSession,
    records: Sequence[VersionRecord],
    model_ids: Mapping[str, int],
    tally: Tally,
) -> list[ModelVersionRow]:
    """Returns the versions it created."""
    wanted: dict[tuple[int, str], VersionRecord] = {}
    for record in records:
        model_id = model_ids.get(record.model.ref.external_id)
        if model_id is None:
            continue
        key = (model_id, str(semver.parse(record.version)))
        if key in wanted:
            tally["skipped"] += 1
            continue
        wanted[key] = record
    if not wanted:
        return []
    versions = Index()
    for chunk in _chunks(sorted({model_id for model_id, _ in wanted})):
        stmt = select(ModelVersionRow).where(ModelVersionRow.model_id.in_(chunk))
        for row in (await session.scalars(stmt)).all():
            versions[(row.model_id, row.version)] = row
    created = []
    for key, record in wanted.items():
        values = _version_values(key[0], record)
        if key in versions:
            values.pop("artifact_id")  # an existing version keeps its artifact id
            upsert(session, versions, key, ModelVersionRow, values, tally)
        else:
            created.append(upsert(session, versions, key, ModelVersionRow, values, tally))
    await session.flush()

    version_ids = {key: versions[key].id for key in wanted}
    files = Index()
    for chunk in _chunks(sorted(version_ids.values())):
        file_stmt = select(VersionFileRow).where(VersionFileRow.version_id.in_(chunk))
        for file_row in (await session.scalars(file_stmt)).all():
            files[(file_row.version_id, file_row.path)] = file_row
    listed: set[tuple[int, str]] = set()
    for key, record in wanted.items():
        version_id = version_ids[key]
        for file in record.files:
            values = {
                "version_id": version_id,
                "path": file.path,
                "oid": file.oid,
                "size_bytes": file.size_bytes or 0,
            }
            listed.add((version_id, file.path))
            upsert(session, files, (version_id, file.path), VersionFileRow, values, tally)
    stale = [row.id for file_key, row in files.items() if file_key not in listed]
    if stale:
        await session.execute(delete(VersionFileRow).where(VersionFileRow.id.in_(stale)))
        tally["deleted"] += len(stale)
    await session.flush()
    return created


def _version_values(model_id: int, record: VersionRecord) -> dict[str, Any]:
    parsed = semver.parse(record.version)
    return {
        "model_id": model_id,
        "version": str(parsed),
        "semver_key": semver.sort_key(parsed),
        "is_prerelease": parsed.is_prerelease,
        "artifact_id": artifact_id(
            record.model.ref.source, model_id, record.model.ref.external_id, str(parsed)
        ),
        "tags": list(record.tags),
        "origin": dict(record.origin),
        "long_description": record.description,
        "file_size_bytes": sum(f.size_bytes or 0 for f in record.files),
    }


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
