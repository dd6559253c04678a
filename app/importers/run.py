"""One import run: parse the files (pure), then write everything as one command (one
transaction, app/commands/imports.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.commands import imports, runner
from app.commands.access import OPERATOR
from app.importers.records import ParsedSource, UnreadableSource
from app.importers.report import ImportReport
from app.importers.sources import SOURCES
from app.importers.writer import Progress
from app.observability import imports as import_metrics


class UnknownSource(ValueError):
    pass


def parse(source: str, path: Path, observed_at: date | None = None) -> ParsedSource:
    """Raises UnknownSource, or UnreadableSource when a file cannot be parsed. `observed_at`
    dates a snapshot that carries no date of its own (see `app/importers/sources`)."""
    module = SOURCES.get(source)
    if module is None:
        known = ", ".join(sorted(SOURCES))
        raise UnknownSource(f"unknown source {source!r} (known: {known})")
    try:
        return module.parse(path, observed_at)
    except UnreadableSource:
        import_metrics.record_failure(source, "unreadable")
        raise


async def write(
    sessions: async_sessionmaker[AsyncSession],
    parsed: ParsedSource,
    path: Path,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport(parsed.source, str(path))
    report.problems.extend(parsed.problems)
    report.notes.extend(parsed.notes)
    try:
        await runner.run(
            sessions,
            lambda session: imports.import_snapshot(session, OPERATOR, parsed, report, progress),
        )
    except BaseException:
        import_metrics.record_failure(parsed.source, "failed")
        raise
    import_metrics.record_run(report)
    return report


async def import_source(
    sessions: async_sessionmaker[AsyncSession],
    source: str,
    path: Path,
    progress: Progress | None = None,
    observed_at: date | None = None,
) -> ImportReport:
    return await write(sessions, parse(source, path, observed_at), path, progress)
