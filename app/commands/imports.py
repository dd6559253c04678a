"""`catalog import`: a parsed source written as one command (one transaction, batched)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands.access import require_operator
from app.importers.records import ParsedSource
from app.importers.report import ImportReport
from app.importers.writer import Progress, Writer
from app.repositories import audit


async def import_snapshot(
    session: AsyncSession,
    viewer: Viewer,
    parsed: ParsedSource,
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    require_operator(viewer)
    writer = Writer(session, parsed, report, progress)
    await writer.run()
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
