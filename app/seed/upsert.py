"""Idempotent upserts by natural key: a row is written only when a value really changed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

RowT = TypeVar("RowT")


class Index(dict[Any, Any]):
    """Existing rows of one table by natural key, loaded with one query."""

    @classmethod
    async def load(cls, session: AsyncSession, table: type[Any], *key_columns: str) -> Index:
        index = cls()
        for row in (await session.scalars(select(table))).all():
            index[tuple(getattr(row, c) for c in key_columns)] = row
        return index


class Tally(Counter[str]):
    """created / updated / unchanged counts, for the summary a run prints."""

    def summary(self) -> str:
        return ", ".join(f"{k} {self[k]}" for k in ("created", "updated", "unchanged"))


def upsert(
    session: AsyncSession,
    index: Index,
    key: Hashable,
    table: type[RowT],
    values: dict[str, Any],
    tally: Tally,
) -> RowT:
    row = index.get(key)
    if row is None:
        row = table(**values)
        session.add(row)
        index[key] = row
        tally["created"] += 1
        return row
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    tally["updated" if changed else "unchanged"] += 1
    return row  # type: ignore[no-any-return]
