"""`catalog seed`: the demo catalog in `seeds/`, loaded idempotently as one command."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import Viewer
from app.commands import emit, runner
from app.commands.access import OPERATOR, require_operator
from app.events import kinds
from app.events.kinds import Event
from app.repositories import audit
from app.seed.loader import Loader, SeedReport


async def load_demo_catalog(session: AsyncSession, viewer: Viewer, seeds_dir: Path) -> SeedReport:
    require_operator(viewer)
    loader = Loader(session, seeds_dir)
    await loader.run()
    report = SeedReport(loader.tally)
    await emit.emit(session, await _model_events(session, loader))
    if report.tally["created"] or report.tally["updated"] or report.tally["deleted"]:
        audit.record(
            session,
            viewer,
            organization_id=None,
            action="seed",
            target_type="DemoCatalog",
            target_id=None,
            details={"dir": str(seeds_dir), "changes": dict(report.tally)},
        )
    return report


async def _model_events(session: AsyncSession, loader: Loader) -> list[Event]:
    """model.created / model.updated for the demo models the run created or changed."""
    changed = [*loader.created_models, *(m for m in loader.models.values()
                                         if m.id in loader.updated_models)]  # fmt: skip
    orgs = await emit.organization_slugs(session, sorted({m.organization_id for m in changed}))
    events = [
        emit.for_model(kinds.MODEL_CREATED, orgs[m.organization_id], m, m.is_public, name=m.name)
        for m in loader.created_models
    ]
    for m in changed[len(loader.created_models) :]:
        fields = sorted(emit.camel(name) for name in loader.updated_models[m.id])
        events.append(
            emit.for_model(kinds.MODEL_UPDATED, orgs[m.organization_id], m, m.is_public,
                           fields=fields)
        )  # fmt: skip
    return events


async def load_seeds(sessions: async_sessionmaker[AsyncSession], seeds_dir: Path) -> SeedReport:
    """Run the seed command in its own transaction (the CLI's and the tests' entry point)."""
    return await runner.run(sessions, lambda s: load_demo_catalog(s, OPERATOR, seeds_dir))
