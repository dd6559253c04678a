"""Where aliases pointed, and when: reads of alias_history, batched by model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth import Viewer
from app.db.tables import AliasHistoryRow, ModelRow, ModelVersionRow
from app.repositories import keyset
from app.repositories.visibility import model_visible

SORT_KEYS = [keyset.SortKey(AliasHistoryRow.id, True, "int")]


def _seen(version: Any, viewer: Viewer) -> ColumnElement[bool]:
    """A version string is shown only when the viewer may see that version."""
    if viewer.organization_id is None:
        return and_(version.is_public.is_(True))
    return or_(version.is_public.is_(True), ModelRow.organization_id == viewer.organization_id)


def _history(viewer: Viewer, alias: str | None) -> keyset.AnySelect:
    before, after = aliased(ModelVersionRow), aliased(ModelVersionRow)
    stmt = (
        select(
            AliasHistoryRow,
            before.version.label("from_version"),
            after.version.label("to_version"),
        )
        .join(ModelRow, ModelRow.id == AliasHistoryRow.model_id)
        .outerjoin(
            before, and_(before.id == AliasHistoryRow.from_version_id, _seen(before, viewer))
        )
        .outerjoin(after, and_(after.id == AliasHistoryRow.to_version_id, _seen(after, viewer)))
        .where(model_visible(viewer))
    )
    return stmt.where(AliasHistoryRow.alias == alias) if alias is not None else stmt


async def pages_by_model(
    session: AsyncSession,
    viewer: Viewer,
    model_ids: Sequence[int],
    alias: str | None,
    pg: keyset.Page,
) -> dict[int, keyset.PageResult]:
    return await keyset.fetch_partitioned_pages(
        session, _history(viewer, alias), AliasHistoryRow, SORT_KEYS, pg,
        AliasHistoryRow.model_id, model_ids,
    )  # fmt: skip


async def counts_by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], alias: str | None
) -> dict[int, int]:
    stmt = (
        _history(viewer, alias)
        .where(AliasHistoryRow.model_id.in_(model_ids))
        .with_only_columns(AliasHistoryRow.model_id, func.count())
        .group_by(AliasHistoryRow.model_id)
    )
    found = {mid: int(n) for mid, n in (await session.execute(stmt)).all()}
    return {mid: found.get(mid, 0) for mid in model_ids}


async def pointed_at(
    session: AsyncSession, viewer: Viewer, keys: Sequence[tuple[int, str, datetime]]
) -> dict[tuple[int, str, datetime], int | None]:
    """For each (model, alias, moment): the version id the alias pointed at then, if any.

    One query per distinct moment (a query asks about one or a few), not per key."""
    by_moment: dict[datetime, list[tuple[int, str]]] = {}
    for model_id, alias, at in keys:
        by_moment.setdefault(at, []).append((model_id, alias))
    found: dict[tuple[int, str, datetime], int | None] = dict.fromkeys(keys)
    for at, pairs in by_moment.items():
        latest = func.row_number().over(
            partition_by=[AliasHistoryRow.model_id, AliasHistoryRow.alias],
            order_by=[AliasHistoryRow.changed_at.desc(), AliasHistoryRow.id.desc()],
        )
        inner = (
            _history(viewer, None)
            .where(
                tuple_(AliasHistoryRow.model_id, AliasHistoryRow.alias).in_(pairs),
                AliasHistoryRow.changed_at <= at,
            )
            .add_columns(latest.label("newest"))
            .subquery()
        )
        stmt = select(inner.c.model_id, inner.c.alias, inner.c.to_version_id).where(
            inner.c.newest == 1
        )
        for model_id, alias, version_id in (await session.execute(stmt)).all():
            found[(model_id, alias, at)] = version_id
    return found
