"""`catalog import`: a parsed source written as one command (one transaction, batched).

The writer (app/importers/writer.py) compares the source with the catalog and writes only
real changes; this command turns what it changed into events, written in bulk.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands import emit
from app.commands.access import require_operator
from app.db.tables import ModelRow, ProviderRow
from app.events import derive, kinds
from app.events.kinds import Event
from app.importers.records import ParsedSource
from app.importers.report import ImportReport
from app.importers.writer import Progress, Writer
from app.repositories import audit
from app.repositories import leaders as leaders_repo

_CHUNK = 1000


async def import_snapshot(
    session: AsyncSession,
    viewer: Viewer,
    parsed: ParsedSource,
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    require_operator(viewer)
    before = await leaders_repo.at_rank_one(session) if parsed.scores else {}
    writer = Writer(session, parsed, report, progress)
    await writer.run()
    await emit.emit(session, await _events(session, writer))
    benchmark_ids = sorted({s.benchmark_id for s in writer.recorded_scores})
    await emit.emit(session, await emit.top_score_changes(session, before, benchmark_ids))
    changes = {table: dict(tally) for table, tally in report.tallies.items()}
    if any(t.get("created") or t.get("updated") or t.get("deleted") for t in changes.values()):
        audit.record(
            session,
            viewer,
            organization_id=None,
            action="import",
            target_type="Source",
            target_id=None,
            details={"source": parsed.source, "path": report.path, "changes": changes},
        )


async def _models(session: AsyncSession, ids: Iterable[int]) -> dict[int, ModelRow]:
    wanted = sorted(set(ids))
    found: dict[int, ModelRow] = {}
    for start in range(0, len(wanted), _CHUNK):
        stmt = select(ModelRow).where(ModelRow.id.in_(wanted[start : start + _CHUNK]))
        found.update((row.id, row) for row in (await session.scalars(stmt)).all())
    return found


async def _events(session: AsyncSession, writer: Writer) -> list[Event]:
    models = await _models(
        session,
        [*writer.updated_models, *(c.model_id for c in writer.price_changes),
         *(s.model_id for s in writer.recorded_scores),
         *(v.model_id for v in writer.published_versions)],
    )  # fmt: skip
    models.update((row.id, row) for row in writer.created_models)
    orgs = await emit.organization_slugs(
        session, sorted({m.organization_id for m in models.values()})
    )
    provider_rows = (await session.execute(select(ProviderRow.id, ProviderRow.slug))).all()
    providers: dict[int, str] = {pid: slug for pid, slug in provider_rows}
    benchmarks = {row.id: slug for (slug,), row in writer.benchmarks.items()}
    source = writer.parsed.source

    def of(kind: str, model: ModelRow, is_public: bool, **data: Any) -> Event:
        return emit.for_model(kind, orgs[model.organization_id], model, is_public,
                              source=source, **data)  # fmt: skip

    events = [of(kinds.MODEL_CREATED, m, m.is_public, name=m.name) for m in writer.created_models]
    # A model missing from `models` was merged into another spelling of its name by this
    # import (app/importers/spelling_merge.py) after the change was noted: no event for it.
    for model_id, changed in writer.updated_models.items():
        if (model := models.get(model_id)) is None:
            continue
        events += [of(kinds.MODEL_UPDATED, model, model.is_public,
                      fields=sorted(emit.camel(name) for name in changed))]  # fmt: skip
    for change in writer.price_changes:
        if (model := models.get(change.model_id)) is None:
            continue
        provider = providers[change.provider_id]
        if change.kind == "retired":
            events.append(of(kinds.PRICE_RETIRED, model, model.is_public, provider=provider,
                             old=derive.price_view(change.old or {})))  # fmt: skip
            continue
        org = orgs[model.organization_id]
        events.append(emit.price_moved(org, model, provider, change.old, change.new or {}))
    for score in writer.recorded_scores:
        if (model := models.get(score.model_id)) is None:
            continue
        events.append(
            of(kinds.SCORE_RECORDED, model, model.is_public,
               benchmark=benchmarks.get(score.benchmark_id), score=score.score,
               normalizedScore=score.normalized_score, variant=score.variant)
        )  # fmt: skip
    for version in writer.published_versions:
        if (model := models.get(version.model_id)) is None:
            continue
        events.append(
            of(kinds.VERSION_PUBLISHED, model, emit.version_public(model, version),
               version=version.version, status=version.status, aliases=[])
        )  # fmt: skip
    return events
