"""Merges models that are one model spelled differently (rules: app/services/spelling_merge.py).

Runs at the end of every import, in its transaction. Everything of an absorbed model moves to
the survivor: external ids, versions (with their files, metrics, aliases), alias history,
scores, prices, and the fields the survivor lacks. Where both hold the same thing, the
survivor's stays: a provider's prices, tags and modalities; a score of the same source,
benchmark and variant is kept with `id=<the absorbed id>` appended to its variant (as one
source's two ids of one model are, see `writer.score_keys`). A group whose versions or aliases
collide is not merged and is reported: that needs a person.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import (
    AliasHistoryRow,
    BenchmarkScoreRow,
    ModelExternalIdRow,
    ModelModalityRow,
    ModelRow,
    ModelTagRow,
    ModelVersionRow,
    OrganizationRow,
    ProviderPricingRow,
    VersionAliasRow,
)
from app.importers import prices
from app.importers.report import ImportReport
from app.services.spelling_merge import Candidate, Merge, merge_plan

# Fields an absorbed model gives the survivor where the survivor has none.
_FILLED = (
    "description",
    "license_id",
    "family_id",
    "base_model_id",
    "model_type",
    "task",
    "framework",
    "context_window",
    "param_count",
    "release_date",
    "url",
    "source_api_ref",
    "source_paper",
    "source_weights",
    "source_repo",
    "author",
    "permalink",
)


# Fields the creating source owns (`writer._MODEL_FIELDS` and the lists it sets).
_OWNED = (
    "name",
    "description",
    "license_id",
    "context_window",
    "param_count",
    "release_date",
    "url",
    "source_api_ref",
    "source_paper",
    "source_weights",
    "source_repo",
)
_PRICE_VALUES = ("input_price_per_m", "output_price_per_m", "status")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


async def candidates(session: AsyncSession) -> list[Candidate]:
    counts = (
        select(
            ModelExternalIdRow.model_id,
            func.count(func.distinct(ModelExternalIdRow.source)).label("sources"),
            func.count().label("ids"),
        )
        .group_by(ModelExternalIdRow.model_id)
        .subquery()
    )
    stmt = select(
        ModelRow.id,
        ModelRow.organization_id,
        ModelRow.slug,
        ModelRow.is_public,
        func.coalesce(counts.c.sources, 0),
        func.coalesce(counts.c.ids, 0),
    ).outerjoin(counts, counts.c.model_id == ModelRow.id)
    return [Candidate(*row) for row in (await session.execute(stmt)).all()]


async def merge_spellings(
    session: AsyncSession, report: ImportReport, problem: Callable[[str, str], None]
) -> None:
    plan = merge_plan(await candidates(session))
    if not plan:
        return
    orgs = dict((await session.execute(select(OrganizationRow.id, OrganizationRow.slug))).all())
    merged: list[str] = []
    for merge in plan:
        names = {c.id: f"{orgs.get(c.organization_id, '?')}/{c.slug}" for c in _members(merge)}
        clash = await _clash(session, merge)
        if clash:
            others = ", ".join(names[c.id] for c in merge.absorbed)
            problem(names[merge.survivor.id], f"not merged with {others} (same name): {clash}")
            continue
        for gone in merge.absorbed:
            await _absorb(session, merge.survivor.id, gone.id)
            merged.append(f"{names[gone.id]} -> {names[merge.survivor.id]}")
    await session.flush()
    if merged:
        tally = report.tally("models")
        tally["merged"] += len(merged)
        shown = "; ".join(merged[:5]) + ("; ..." if len(merged) > 5 else "")
        report.notes.append(f"{len(merged)} models spelled like another merged into it: {shown}")


def _members(merge: Merge) -> list[Candidate]:
    return [merge.survivor, *merge.absorbed]


async def _clash(session: AsyncSession, merge: Merge) -> str | None:
    """Why the group cannot be merged safely (a version or an alias held by two of them)."""
    ids = [c.id for c in _members(merge)]
    for column, what in ((ModelVersionRow.version, "version"), (VersionAliasRow.alias, "alias")):
        table = column.class_
        stmt = (
            select(column)
            .where(table.model_id.in_(ids))
            .group_by(column)
            .having(func.count() > 1)
            .limit(1)
        )
        shared = await session.scalar(stmt)
        if shared is not None:
            return f"both have {what} {shared!r}"
    return None


def _plainest(ids: list[str]) -> str | None:
    """A source's plainest id of a model (as the writer ranks records: shortest, then
    alphabetical): its records describe the model and keep their score variants."""
    return min(ids, key=lambda x: (len(x), x)) if ids else None


async def _ids_by_source(session: AsyncSession, model_id: int) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = defaultdict(list)
    stmt = select(ModelExternalIdRow.source, ModelExternalIdRow.external_id).where(
        ModelExternalIdRow.model_id == model_id
    )
    for source, external_id in (await session.execute(stmt)).all():
        ids[source].append(external_id)
    return ids


async def _absorb(session: AsyncSession, keep: int, gone: int) -> None:
    survivor = await session.get(ModelRow, keep)
    absorbed = await session.get(ModelRow, gone)
    assert survivor is not None and absorbed is not None
    kept_ids = await _ids_by_source(session, keep)
    own_ids = await _ids_by_source(session, gone)
    _merge_fields(survivor, absorbed, kept_ids, own_ids)
    await session.flush()
    moves = (ModelExternalIdRow, ModelVersionRow, VersionAliasRow, AliasHistoryRow)
    for table in moves:
        await session.execute(update(table).where(table.model_id == gone).values(model_id=keep))
    await session.execute(
        update(ModelRow).where(ModelRow.base_model_id == gone).values(base_model_id=keep)
    )
    await session.execute(
        update(ModelRow)
        .where(ModelRow.id == keep, ModelRow.base_model_id == keep)
        .values(base_model_id=None)
    )
    await _move_prices(session, keep, gone)
    await _move_scores(session, keep, gone, kept_ids, own_ids)
    await _fill_lists(session, survivor, absorbed)
    await session.execute(delete(ModelRow).where(ModelRow.id == gone))
    session.expunge(absorbed)


def _merge_fields(
    survivor: ModelRow,
    absorbed: ModelRow,
    kept_ids: dict[str, list[str]],
    own_ids: dict[str, list[str]],
) -> None:
    """The survivor's fields, filled from the absorbed model where empty. When one source
    created both and names the absorbed one more plainly, that record now describes the model
    (as the source's next import would have it): its values come first."""
    owner = survivor.source or ""
    kept, own = _plainest(kept_ids.get(owner, [])), _plainest(own_ids.get(owner, []))
    plainer = (
        owner == absorbed.source
        and own is not None
        and (kept is None or (len(own), own) < (len(kept), kept))
    )
    for name in (*_FILLED, *(_OWNED if plainer else ())):
        value = getattr(absorbed, name)
        if value == survivor.id or _empty(value):
            continue
        if _empty(getattr(survivor, name)) or (plainer and name in _OWNED):
            setattr(survivor, name, value)
    survivor.download_count = (survivor.download_count or 0) + (absorbed.download_count or 0)
    if plainer:
        survivor.open_weight = absorbed.open_weight
    else:
        survivor.open_weight = survivor.open_weight or absorbed.open_weight


async def _move_prices(session: AsyncSession, keep: int, gone: int) -> None:
    """The absorbed model's prices join the survivor's history as if each had been observed
    for the survivor (`prices.observe`, the rule imports follow): so importing a source again
    after a merge changes nothing."""
    stmt = select(ProviderPricingRow).where(ProviderPricingRow.model_id.in_((keep, gone)))
    history: dict[int, list[ProviderPricingRow]] = defaultdict(list)
    moving: list[ProviderPricingRow] = []
    for row in (await session.scalars(stmt)).all():
        (history[row.provider_id] if row.model_id == keep else moving).append(row)
    for row in sorted(moving, key=lambda r: (r.valid_from, r.id)):
        rows = sorted(history[row.provider_id], key=lambda r: r.valid_from)
        values = {name: getattr(row, name) for name in _PRICE_VALUES}
        seen = prices.observe(rows, row.valid_from, values, None)
        if seen.add:
            row.model_id = keep
            if seen.valid_to is not None and (row.valid_to is None or seen.valid_to < row.valid_to):
                row.valid_to = seen.valid_to
            history[row.provider_id].append(row)
        else:
            await session.delete(row)
    await session.flush()


async def _move_scores(
    session: AsyncSession,
    keep: int,
    gone: int,
    kept_ids: dict[str, list[str]],
    own_ids: dict[str, list[str]],
) -> None:
    """Scores move; where both have one of the same (benchmark, source, variant), the row of
    the source's plainer id keeps the variant and the other gets `id=<its id>` appended (what
    `writer.score_keys` gives one source's two ids of one model)."""
    key = (BenchmarkScoreRow.benchmark_id, BenchmarkScoreRow.source, BenchmarkScoreRow.variant)
    stmt = select(BenchmarkScoreRow.id, *key).where(BenchmarkScoreRow.model_id == keep)
    held = {tuple(row[1:]): row[0] for row in (await session.execute(stmt)).all()}
    stmt = select(BenchmarkScoreRow.id, *key).where(BenchmarkScoreRow.model_id == gone)
    for score_id, benchmark_id, source, variant in (await session.execute(stmt)).all():
        values: dict[str, Any] = {"model_id": keep}
        other = held.get((benchmark_id, source, variant))
        kept = _plainest(kept_ids.get(source or "", [])) or "?"
        own = _plainest(own_ids.get(source or "", [])) or "?"
        if other is not None:
            if (len(own), own) < (len(kept), kept):
                renamed, named = other, kept
            else:
                renamed, named = score_id, own
            tagged = f"{variant}, id={named}".lstrip(", ")
            if renamed == other:
                await session.execute(
                    update(BenchmarkScoreRow)
                    .where(BenchmarkScoreRow.id == other)
                    .values(variant=tagged)
                )
            else:
                values["variant"] = tagged
        await session.execute(
            update(BenchmarkScoreRow).where(BenchmarkScoreRow.id == score_id).values(**values)
        )


async def _fill_lists(session: AsyncSession, survivor: ModelRow, absorbed: ModelRow) -> None:
    """Modalities and tags: the survivor's, or the absorbed model's when it has none."""
    for table, attribute in ((ModelModalityRow, "modalities"), (ModelTagRow, "tags")):
        has = await session.scalar(
            select(func.count()).select_from(table).where(table.model_id == survivor.id)
        )
        if has:
            continue
        await session.execute(
            update(table).where(table.model_id == absorbed.id).values(model_id=survivor.id)
        )
        if _empty(getattr(survivor, attribute)):
            setattr(survivor, attribute, list(getattr(absorbed, attribute) or []))
