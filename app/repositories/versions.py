"""Model versions and their files, metrics, statistics and aliases, batched by key."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.auth import Viewer
from app.db.tables import (
    ModelRow,
    ModelVersionRow,
    OrganizationRow,
    VersionAliasRow,
    VersionFileRow,
    VersionMetricRow,
    VersionStatisticRow,
)
from app.repositories import keyset
from app.repositories.statements import dialect_of, execute_for_ids, in_ids, statements
from app.repositories.visibility import version_visible

DELETED = "DELETED"

# Newest first by semver precedence; id breaks ties between versions differing in build only.
SORT_KEYS = [
    keyset.SortKey(ModelVersionRow.semver_key, True, "bytes"),
    keyset.SortKey(ModelVersionRow.id, True, "int"),
]


@dataclass(frozen=True)
class VersionFilter:
    statuses: tuple[str, ...] | None = None  # None: every status but DELETED
    include_prereleases: bool = True


def _visible_versions(viewer: Viewer) -> keyset.AnySelect:
    """Versions with their canonical model name, restricted to what the viewer may see."""
    canonical = (OrganizationRow.slug + "/" + ModelRow.slug).label("canonical_name")
    return (
        select(ModelVersionRow, canonical)
        .join(ModelRow, ModelRow.id == ModelVersionRow.model_id)
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
        .where(version_visible(viewer))
    )


def by_id_source(viewer: Viewer) -> keyset.AnySelect:
    """The rows `by_ids` reads (DELETED ones too: an id names what it names), unfiltered."""
    return _visible_versions(viewer)


def _filtered(stmt: keyset.AnySelect, f: VersionFilter) -> keyset.AnySelect:
    if f.statuses is None:
        stmt = stmt.where(ModelVersionRow.status != DELETED)
    else:
        stmt = stmt.where(ModelVersionRow.status.in_(f.statuses))
    if not f.include_prereleases:
        stmt = stmt.where(ModelVersionRow.is_prerelease.is_(False))
    return stmt


async def by_ids(session: AsyncSession, viewer: Viewer, ids: Sequence[int]) -> list[Any]:
    dialect = dialect_of(session)
    stmt = statements.get(
        ("versions_by_id", dialect, viewer.organization_id),
        lambda: _visible_versions(viewer).where(in_ids(ModelVersionRow.id, dialect)),
    )
    return list((await session.execute(stmt, {"ids": list(ids)})).all())


async def by_model_and_version(
    session: AsyncSession, viewer: Viewer, keys: Sequence[tuple[int, str]]
) -> list[Any]:
    """Versions by exact string; DELETED ones are gone for readers (as through aliases)."""
    stmt = _visible_versions(viewer).where(
        tuple_(ModelVersionRow.model_id, ModelVersionRow.version).in_(list(keys)),
        ModelVersionRow.status != DELETED,
    )
    return list((await session.execute(stmt)).all())


async def by_alias(
    session: AsyncSession, viewer: Viewer, keys: Sequence[tuple[int, str]]
) -> list[tuple[int, str, Any]]:
    """(model id, alias, version row with canonical name) for each alias that resolves."""
    stmt = (
        _visible_versions(viewer)
        .add_columns(VersionAliasRow.alias)
        .join(VersionAliasRow, VersionAliasRow.version_id == ModelVersionRow.id)
        .where(
            tuple_(VersionAliasRow.model_id, VersionAliasRow.alias).in_(list(keys)),
            ModelVersionRow.status != DELETED,
        )
    )
    return [(row[0].model_id, row.alias, row) for row in (await session.execute(stmt)).all()]


async def pages_by_model(
    session: AsyncSession,
    viewer: Viewer,
    model_ids: Sequence[int],
    f: VersionFilter,
    pg: keyset.Page,
) -> dict[int, keyset.PageResult]:
    stmt = _filtered(_visible_versions(viewer), f)
    return await keyset.fetch_partitioned_pages(
        session,
        stmt,
        ModelVersionRow,
        SORT_KEYS,
        pg,
        ModelVersionRow.model_id,
        model_ids,
        shape=("versions", viewer.organization_id, f),
    )


async def counts_by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], f: VersionFilter
) -> dict[int, int]:
    dialect = dialect_of(session)
    stmt = statements.get(
        ("version_counts", dialect, viewer.organization_id, f),
        lambda: _filtered(
            select(ModelVersionRow.model_id, func.count())
            .join(ModelRow, ModelRow.id == ModelVersionRow.model_id)
            .where(in_ids(ModelVersionRow.model_id, dialect), version_visible(viewer)),
            f,
        ).group_by(ModelVersionRow.model_id),
    )
    rows = await session.execute(stmt, {"ids": list(model_ids)})
    found = {mid: int(n) for mid, n in rows.all()}
    return {mid: found.get(mid, 0) for mid in model_ids}


async def all_for_models(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], f: VersionFilter
) -> dict[int, list[Any]]:
    """Every visible version of each model, newest first (for comparisons)."""
    dialect = dialect_of(session)
    stmt = statements.get(
        ("all_versions", dialect, viewer.organization_id, f),
        lambda: (
            _filtered(_visible_versions(viewer), f)
            .where(in_ids(ModelVersionRow.model_id, dialect))
            .order_by(*keyset.order_clauses(SORT_KEYS))
        ),
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in (await session.execute(stmt, {"ids": list(model_ids)})).all():
        grouped[row[0].model_id].append(row)
    return grouped


async def latest_by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int], *, active_only: bool
) -> dict[int, Any]:
    """The contract's latest rule: the `latest` alias if set (and visible, not deleted), else
    the highest non-prerelease version that is not deleted, else the highest prerelease.
    With `active_only`, the same over ACTIVE versions (the `latest` alias only if ACTIVE)."""
    dialect = dialect_of(session)
    stmt = statements.get(
        ("latest_version", dialect, viewer.organization_id, active_only),
        lambda: _latest_statement(viewer, dialect, active_only),
    )
    rows = await session.execute(stmt, {"ids": list(model_ids)})
    return {row[0].model_id: row for row in rows.all()}


def latest_candidates(viewer: Viewer, active_only: bool) -> keyset.AnySelect:
    """The versions the latest rule chooses from (visible; not deleted, or ACTIVE)."""
    status_ok = (
        ModelVersionRow.status == "ACTIVE" if active_only else ModelVersionRow.status != DELETED
    )
    return _visible_versions(viewer).where(status_ok)


def latest_order() -> list[Any]:
    """The latest rule's preference, best first: the `latest` alias, then releases before
    prereleases, then semver precedence (id between builds)."""
    alias_rank = (
        select(VersionAliasRow.version_id)
        .where(VersionAliasRow.alias == "latest", VersionAliasRow.version_id == ModelVersionRow.id)
        .exists()
    )
    return [
        alias_rank.desc(),
        ModelVersionRow.is_prerelease.asc(),
        ModelVersionRow.semver_key.desc(),
        ModelVersionRow.id.desc(),
    ]


def visible_filtered(viewer: Viewer, f: VersionFilter) -> keyset.AnySelect:
    """The versions a model's `versions` connection pages through (with canonical names)."""
    return _filtered(_visible_versions(viewer), f)


def count_statement(viewer: Viewer, f: VersionFilter) -> keyset.AnySelect:
    """Counts of `visible_filtered` (the caller adds which model's)."""
    return _filtered(
        select(func.count())
        .select_from(ModelVersionRow)
        .join(ModelRow, ModelRow.id == ModelVersionRow.model_id)
        .where(version_visible(viewer)),
        f,
    )


def _latest_statement(viewer: Viewer, dialect: str, active_only: bool) -> Any:
    ranked = latest_candidates(viewer, active_only).where(in_ids(ModelVersionRow.model_id, dialect))
    row_number = func.row_number().over(
        partition_by=ModelVersionRow.model_id, order_by=latest_order()
    )
    inner = ranked.add_columns(row_number.label("_rn")).subquery()
    version = aliased(ModelVersionRow, inner)
    return select(version, inner.c.canonical_name).where(inner.c._rn == 1)


async def files_by_version(
    session: AsyncSession, version_ids: Sequence[int]
) -> dict[int, list[VersionFileRow]]:
    def build(dialect: str) -> Any:
        return (
            select(VersionFileRow)
            .where(in_ids(VersionFileRow.version_id, dialect))
            .order_by(VersionFileRow.version_id, VersionFileRow.path)
        )

    found = await execute_for_ids(session, "version_files", build, version_ids)
    grouped: dict[int, list[VersionFileRow]] = defaultdict(list)
    for row in found.scalars():
        grouped[row.version_id].append(row)
    return grouped


async def metrics_by_version(
    session: AsyncSession, version_ids: Sequence[int]
) -> dict[int, dict[str, float]]:
    def build(dialect: str) -> Any:
        return (
            select(VersionMetricRow)
            .where(in_ids(VersionMetricRow.version_id, dialect))
            .order_by(VersionMetricRow.version_id, VersionMetricRow.key)
        )

    found = await execute_for_ids(session, "version_metrics", build, version_ids)
    grouped: dict[int, dict[str, float]] = defaultdict(dict)
    for row in found.scalars():
        grouped[row.version_id][row.key] = row.value
    return grouped


async def statistics_by_version(
    session: AsyncSession, version_ids: Sequence[int]
) -> dict[int, list[VersionStatisticRow]]:
    stmt = (
        select(VersionStatisticRow)
        .where(VersionStatisticRow.version_id.in_(version_ids))
        .order_by(VersionStatisticRow.version_id, VersionStatisticRow.order, VersionStatisticRow.id)
    )
    grouped: dict[int, list[VersionStatisticRow]] = defaultdict(list)
    for row in (await session.scalars(stmt)).all():
        grouped[row.version_id].append(row)
    return grouped


async def aliases_by_version(
    session: AsyncSession, version_ids: Sequence[int]
) -> dict[int, list[str]]:
    def build(dialect: str) -> Any:
        return (
            select(VersionAliasRow.version_id, VersionAliasRow.alias)
            .where(in_ids(VersionAliasRow.version_id, dialect))
            .order_by(VersionAliasRow.version_id, VersionAliasRow.alias)
        )

    found = await execute_for_ids(session, "version_aliases", build, version_ids)
    grouped: dict[int, list[str]] = defaultdict(list)
    for version_id, alias in found.all():
        grouped[version_id].append(alias)
    return grouped


async def aliases_by_model(
    session: AsyncSession, viewer: Viewer, model_ids: Sequence[int]
) -> dict[int, list[tuple[VersionAliasRow, str]]]:
    """Each model's aliases that point at a visible, non-deleted version, with that version."""
    stmt = (
        select(VersionAliasRow, ModelVersionRow.version)
        .join(ModelVersionRow, ModelVersionRow.id == VersionAliasRow.version_id)
        .join(ModelRow, ModelRow.id == ModelVersionRow.model_id)
        .where(
            VersionAliasRow.model_id.in_(model_ids),
            ModelVersionRow.status != DELETED,
            version_visible(viewer),
        )
        .order_by(VersionAliasRow.model_id, VersionAliasRow.alias)
    )
    grouped: dict[int, list[tuple[VersionAliasRow, str]]] = defaultdict(list)
    for alias, version in (await session.execute(stmt)).all():
        grouped[alias.model_id].append((alias, version))
    return grouped


async def aliases_by_ids(
    session: AsyncSession, viewer: Viewer, ids: Sequence[int]
) -> dict[int, tuple[VersionAliasRow, str]]:
    """Aliases by id (for `node`), under the same rule as `aliases_by_model`."""
    stmt = (
        select(VersionAliasRow, ModelVersionRow.version)
        .join(ModelVersionRow, ModelVersionRow.id == VersionAliasRow.version_id)
        .join(ModelRow, ModelRow.id == ModelVersionRow.model_id)
        .where(
            VersionAliasRow.id.in_(ids),
            ModelVersionRow.status != DELETED,
            version_visible(viewer),
        )
    )
    return {alias.id: (alias, version) for alias, version in (await session.execute(stmt)).all()}
