"""The one module that writes models and their mirror tables (model_modalities, model_tags).

The filters read `model_modalities` and `model_tags`, which mirror a model's `modalities` and
`tags` JSON columns. Every writer (the commands, `catalog import`, `catalog seed`) creates and
changes models here, so the mirrors never drift. Mirrors are synced by difference, batched:
one query per mirror table for any number of models, and a re-run writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.base import utcnow
from app.db.tables import ModelModalityRow, ModelRow, ModelTagRow

_CHUNK = 1000  # ids per IN (...) list, far below SQLite's and asyncpg's parameter limits
_TAG_FIELDS = ("name", "data_type", "is_categorical", "position")


def add(session: AsyncSession, values: dict[str, Any]) -> ModelRow:
    """A new model row, added to the session; sync its mirrors once it has an id."""
    row = ModelRow(**values)
    session.add(row)
    return row


def assign(row: ModelRow, values: dict[str, Any]) -> list[str]:
    """Set the values that differ; returns the changed field names."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    return changed


async def create(session: AsyncSession, values: dict[str, Any]) -> ModelRow:
    row = add(session, values)
    await session.flush()
    await sync_mirrors(session, [row])
    return row


async def update(session: AsyncSession, row: ModelRow, values: dict[str, Any]) -> list[str]:
    """Change a model; returns the changed field names (none: nothing is written)."""
    changed = assign(row, values)
    if changed:
        row.updated_at = utcnow()
        await session.flush()
        if "modalities" in changed or "tags" in changed:
            await sync_mirrors(session, [row])
    return changed


def _wanted(rows: Sequence[ModelRow]) -> tuple[dict[Any, int], dict[Any, dict[str, Any]]]:
    modalities: dict[Any, int] = {}
    tags: dict[Any, dict[str, Any]] = {}
    for row in rows:
        for position, modality in enumerate(dict.fromkeys(row.modalities or [])):
            modalities[(row.id, modality)] = position
        for position, tag in enumerate(row.tags or []):
            tags[(row.id, tag["identifier"])] = {
                "name": tag["name"],
                "data_type": tag.get("data_type"),
                "is_categorical": tag.get("is_categorical", True),
                "position": position,
            }
    return modalities, tags


async def sync_mirrors(session: AsyncSession, rows: Sequence[ModelRow]) -> Counter[str]:
    """Make the mirror rows of `rows` match their JSON columns; returns a created / updated /
    unchanged / deleted tally of mirror rows."""
    tally: Counter[str] = Counter()
    if not rows:
        return tally
    ids = sorted({row.id for row in rows})
    existing_modalities: dict[Any, ModelModalityRow] = {}
    existing_tags: dict[Any, ModelTagRow] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        modality_stmt = select(ModelModalityRow).where(ModelModalityRow.model_id.in_(chunk))
        for m in (await session.scalars(modality_stmt)).all():
            existing_modalities[(m.model_id, m.modality)] = m
        for t in (
            await session.scalars(select(ModelTagRow).where(ModelTagRow.model_id.in_(chunk)))
        ).all():
            existing_tags[(t.model_id, t.identifier)] = t
    modalities, tags = _wanted(rows)
    for key, position in modalities.items():
        found = existing_modalities.get(key)
        if found is None:
            session.add(ModelModalityRow(model_id=key[0], modality=key[1], position=position))
            tally["created"] += 1
        elif found.position != position:
            found.position = position
            tally["updated"] += 1
        else:
            tally["unchanged"] += 1
    for key, values in tags.items():
        tag = existing_tags.get(key)
        if tag is None:
            session.add(ModelTagRow(model_id=key[0], identifier=key[1], **values))
            tally["created"] += 1
        elif any(getattr(tag, name) != values[name] for name in _TAG_FIELDS):
            for name in _TAG_FIELDS:
                setattr(tag, name, values[name])
            tally["updated"] += 1
        else:
            tally["unchanged"] += 1
    stale_modalities = [key for key in existing_modalities if key not in modalities]
    stale_tags = [key for key in existing_tags if key not in tags]
    if stale_modalities:
        await session.execute(
            delete(ModelModalityRow).where(
                tuple_(ModelModalityRow.model_id, ModelModalityRow.modality).in_(stale_modalities)
            )
        )
    if stale_tags:
        await session.execute(
            delete(ModelTagRow).where(
                tuple_(ModelTagRow.model_id, ModelTagRow.identifier).in_(stale_tags)
            )
        )
    tally["deleted"] += len(stale_modalities) + len(stale_tags)
    await session.flush()
    return tally
