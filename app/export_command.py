"""`catalog export KIND --format jsonl|csv [--as-of DATE] [-o FILE] [--org SLUG] [--progress]`.

Writes to FILE (through FILE.partial, renamed when complete, so a failed run never leaves a
truncated FILE) or to stdout. The progress bar goes to stderr, on a terminal or with
--progress. Visibility is the service's: public rows, plus `--org`'s private ones.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import ANONYMOUS, Viewer
from app.cli_errors import EXIT_INPUT, CliError, database_errors
from app.importers.progress import ProgressBar
from app.repositories.exports import ExportQuery
from app.services.export_format import FORMATS, KINDS, as_of_moment


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {text!r}") from None


def add_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    export = commands.add_parser(
        "export",
        help="write every row of a kind as JSON Lines or CSV",
        description="Write every visible row of KIND (models, versions, scores, prices) to "
        "stdout or FILE. --as-of DATE: as known at the end of that day (UTC). Exit status: 0 "
        "written, 2 the command line does not parse (unknown kind or format, bad date), 3 "
        "FILE cannot be written or --org does not exist, 4 database error, 5 DATABASE_URL is "
        "wrong, 6 the schema is not at head.",
    )
    export.add_argument("kind", choices=KINDS, metavar="KIND", help=", ".join(KINDS))
    export.add_argument("--format", required=True, choices=list(FORMATS), dest="format_")
    export.add_argument(
        "--as-of",
        type=_day,
        metavar="DATE",
        help="YYYY-MM-DD: prices in effect at the end of that day, scores dated by then, "
        "models released by then, versions published by then",
    )
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    export.add_argument(
        "--org", metavar="SLUG", help="also this organization's private rows (as its token sees)"
    )
    export.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not on a TTY"
    )
    return export


@contextmanager
def _destination(output: str | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    target = Path(output)
    partial = target.with_name(target.name + ".partial")
    try:
        stream = partial.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CliError(
            f"cannot write {output} ({exc.strerror or exc}): choose a writable path", EXIT_INPUT
        ) from None
    try:
        with stream:
            yield stream
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


async def _viewer(session: AsyncSession, org: str | None) -> Viewer:
    from app.db.tables import OrganizationRow

    if org is None:
        return ANONYMOUS
    found = await session.scalar(select(OrganizationRow.id).where(OrganizationRow.slug == org))
    if found is None:
        raise CliError(f"no organization {org!r}: `catalog token list` shows them", EXIT_INPUT)
    return Viewer(organization_id=found, organization_slug=org, role="reader", token_id=None)


async def _write(url: URL, args: argparse.Namespace, out: TextIO) -> int:
    from app.db.engine import create_engine, create_read_sessionmaker
    from app.exporting import chunks

    engine = create_engine(url.render_as_string(hide_password=False))
    bar = ProgressBar(sys.stderr)
    bar.enabled = bar.enabled or args.progress
    rows = 0

    def progress(done: int, total: int) -> None:
        nonlocal rows
        rows = done
        bar.update(args.kind, done, total)

    try:
        async with create_read_sessionmaker(engine)() as session:
            viewer = await _viewer(session, args.org)
            as_of = as_of_moment(args.as_of) if args.as_of is not None else None
            query = ExportQuery(args.kind, viewer, as_of)
            async for chunk in chunks(session, query, args.format_, progress):
                try:
                    out.write(chunk)
                    out.flush()
                except BrokenPipeError:
                    # The reader stopped early (`| head`): what it read is what it wanted.
                    os.dup2(os.open(os.devnull, os.O_WRONLY), out.fileno())
                    break
    finally:
        bar.close()
        await engine.dispose()
    return rows


def run(args: argparse.Namespace, url: URL) -> int:
    with database_errors(url), _destination(args.output) as out:
        rows = asyncio.run(_write(url, args, out))
    if args.output is not None:
        print(f"{rows} {args.kind} written to {args.output}", file=sys.stderr)
    return 0
