"""One bulk export as text chunks, for `catalog export` and `GET /v1/export/{kind}.{format}`.

The rows are read in one read-only transaction (one snapshot on PostgreSQL) a batch at a
time, and each batch is formatted and handed on before the next is read.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from app.repositories import exports
from app.repositories.exports import ExportQuery
from app.services.export_format import header, lines

Progress = Callable[[int, int], None]


async def chunks(
    session: AsyncSession,
    query: ExportQuery,
    format_: str,
    progress: Progress | None = None,
) -> AsyncGenerator[str, None]:
    """The file's header (CSV), then one chunk per batch. `progress(done, total)` after each
    batch, where asked (the count costs one more statement)."""
    total = await exports.count(session, query) if progress is not None else 0
    start = header(query.kind, format_)
    if start:
        yield start
    done = 0
    async for batch in exports.batches(session, query):
        done += len(batch)
        yield lines(query.kind, format_, batch)
        if progress is not None:
            progress(done, total)
