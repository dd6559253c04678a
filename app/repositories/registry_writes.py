"""Writes of the registry side: versions, their status, aliases (with history), downloads.

Callers own the transaction; these functions only add to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.base import utcnow
from app.db.tables import (
    AliasHistoryRow,
    ModelRow,
    ModelVersionRow,
    VersionAliasRow,
    VersionFileRow,
    VersionMetricRow,
    VersionStatisticRow,
)

# Free-text marketplace metadata of a version (seed 004), stored as plain text columns.
MARKETPLACE_TEXT_FIELDS = (
    "input_validation_schema",
    "sample_input",
    "sample_output",
    "long_description",
    "technical_details",
    "version_history",
    "performance_summary",
)


async def version_row(session: AsyncSession, model_id: int, version: str) -> ModelVersionRow | None:
    stmt = select(ModelVersionRow).where(
        ModelVersionRow.model_id == model_id, ModelVersionRow.version == version
    )
    return (await session.scalars(stmt)).first()


async def artifact_id_taken(session: AsyncSession, artifact_id: str) -> bool:
    stmt = select(ModelVersionRow.id).where(ModelVersionRow.artifact_id == artifact_id)
    return (await session.scalar(stmt)) is not None


async def insert_version(
    session: AsyncSession,
    values: dict[str, Any],
    files: Sequence[dict[str, Any]],
    metrics: dict[str, float],
    statistics: Sequence[dict[str, Any]],
) -> ModelVersionRow:
    row = ModelVersionRow(**values)
    session.add(row)
    await session.flush()
    session.add_all(VersionFileRow(version_id=row.id, **f) for f in files)
    replace_children(session, row.id, metrics, statistics)
    return row


def replace_children(
    session: AsyncSession,
    version_id: int,
    metrics: dict[str, float] | None,
    statistics: Sequence[dict[str, Any]] | None,
) -> None:
    if metrics is not None:
        session.add_all(
            VersionMetricRow(version_id=version_id, key=k, value=v) for k, v in metrics.items()
        )
    if statistics is not None:
        session.add_all(VersionStatisticRow(version_id=version_id, **s) for s in statistics)


async def clear_children(
    session: AsyncSession, version_id: int, *, metrics: bool, statistics: bool
) -> None:
    if metrics:
        await session.execute(
            delete(VersionMetricRow).where(VersionMetricRow.version_id == version_id)
        )
    if statistics:
        await session.execute(
            delete(VersionStatisticRow).where(VersionStatisticRow.version_id == version_id)
        )


async def alias_row(session: AsyncSession, model_id: int, alias: str) -> VersionAliasRow | None:
    stmt = select(VersionAliasRow).where(
        VersionAliasRow.model_id == model_id, VersionAliasRow.alias == alias
    )
    return (await session.scalars(stmt)).first()


async def set_alias(
    session: AsyncSession, viewer: Viewer, model_id: int, alias: str, version_id: int
) -> tuple[VersionAliasRow, int | None]:
    """Point `alias` at a version; returns the alias and where it pointed before."""
    row = await alias_row(session, model_id, alias)
    previous = row.version_id if row else None
    if row is None:
        row = VersionAliasRow(model_id=model_id, alias=alias, version_id=version_id)
        session.add(row)
    elif row.version_id != version_id:
        row.version_id = version_id
        row.updated_at = utcnow()
    if previous != version_id:
        session.add(
            AliasHistoryRow(
                model_id=model_id,
                alias=alias,
                from_version_id=previous,
                to_version_id=version_id,
                token_id=viewer.token_id,
            )
        )
    await session.flush()
    return row, previous


async def remove_alias(session: AsyncSession, viewer: Viewer, row: VersionAliasRow) -> None:
    session.add(
        AliasHistoryRow(
            model_id=row.model_id,
            alias=row.alias,
            from_version_id=row.version_id,
            to_version_id=None,
            token_id=viewer.token_id,
        )
    )
    await session.delete(row)
    await session.flush()


async def aliases_of_version(session: AsyncSession, version_id: int) -> list[VersionAliasRow]:
    stmt = select(VersionAliasRow).where(VersionAliasRow.version_id == version_id)
    return list((await session.scalars(stmt)).all())


async def record_download(session: AsyncSession, version: ModelVersionRow) -> None:
    """Atomic increments in SQL (never read-modify-write in Python)."""
    await session.execute(
        update(ModelVersionRow)
        .where(ModelVersionRow.id == version.id)
        .values(download_count=ModelVersionRow.download_count + 1)
    )
    await session.execute(
        update(ModelRow)
        .where(ModelRow.id == version.model_id)
        .values(download_count=ModelRow.download_count + 1)
    )


async def set_model_versions_visibility(
    session: AsyncSession, model_id: int, is_public: bool
) -> None:
    await session.execute(
        update(ModelVersionRow)
        .where(ModelVersionRow.model_id == model_id)
        .values(is_public=is_public, updated_at=utcnow())
    )
