"""`catalog seed`: the demo catalog in `seeds/`, loaded idempotently as one command."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import Viewer
from app.commands import runner
from app.commands.access import OPERATOR, require_operator
from app.repositories import audit
from app.seed.loader import Loader, SeedReport


async def load_demo_catalog(session: AsyncSession, viewer: Viewer, seeds_dir: Path) -> SeedReport:
    require_operator(viewer)
    loader = Loader(session, seeds_dir)
    await loader.run()
    report = SeedReport(loader.tally)
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


async def load_seeds(sessions: async_sessionmaker[AsyncSession], seeds_dir: Path) -> SeedReport:
    """Run the seed command in its own transaction (the CLI's and the tests' entry point)."""
    return await runner.run(sessions, lambda s: load_demo_catalog(s, OPERATOR, seeds_dir))
