"""One import run: parse the files (pure), then write everything as one command (one
transaction, app/commands/imports.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.commands import imports, runner
from app.commands.access import OPERATOR
from app.importers.records import ParsedSource
from app.importers.report import ImportReport
from app.importers.sources import SOURCES
from app.importers.writer import Progress


class UnknownSource(ValueError):
    pass


def parse(source: str, path: Path) -> ParsedSource:
    """Raises UnknownSource, or UnreadableSource when a file cannot be parsed."""
    module = SOURCES.get(source)
    if module is None:
        known = ", ".join(sorted(SOURCES))
        raise UnknownSource(f"unknown source {source!r} (known: {known})")
    return module.parse(path)


async def write(
    sessions: async_sessionmaker[AsyncSession],
    parsed: ParsedSource,
    path: Path,
    progress: Progress | None = None,
) -> ImportReport:
    report = ImportReport(parsed.source, str(path))
    report.problems.extend(parsed.problems)
    report.notes.extend(parsed.notes)
    await runner.run(
        sessions,
        lambda session: imports.import_snapshot(session, OPERATOR, parsed, report, progress),
    )
    return report


async def import_source(
    sessions: async_sessionmaker[AsyncSession],
    source: str,
    path: Path,
    progress: Progress | None = None,
) -> ImportReport:
    return await write(sessions, parse(source, path), path, progress)
