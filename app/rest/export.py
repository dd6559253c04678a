"""`GET /v1/export/{kind}.{format}`: every visible row of a kind, streamed as JSONL or CSV.

The answer starts only once the first batch is read, so a database failure is still the
envelope with its status; a failure later ends the stream early (the connection is cut, the
client sees an incomplete transfer), and is logged with the request id.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from app.auth import ANONYMOUS
from app.errors import NotFound
from app.exporting import chunks
from app.http.request_id import request_id_of
from app.repositories.exports import ExportQuery
from app.rest.params import parse_export_query
from app.services.export_format import FORMATS, KINDS, as_of_moment

logger = logging.getLogger("app.rest")


async def _prefetch(stream: AsyncGenerator[str, None], count: int) -> list[str]:
    ready: list[str] = []
    for _ in range(count):
        try:
            ready.append(await anext(stream))
        except StopAsyncIteration:
            break
    return ready


class ExportRoute:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def __call__(self, request: Request) -> Response:
        kind, format_ = request.path_params["kind"], request.path_params["format"]
        if kind not in KINDS or format_ not in FORMATS:
            raise NotFound(
                f"No export {kind[:50]}.{format_[:20]}: kinds are {', '.join(KINDS)}, "
                f"formats {', '.join(FORMATS)}"
            )
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        day = parse_export_query(params)
        viewer = getattr(request.state, "viewer", ANONYMOUS)
        query = ExportQuery(kind, viewer, as_of_moment(day) if day is not None else None)
        session = self.sessions()
        stream = chunks(session, query, format_)
        try:
            # CSV: the header, then the first batch; JSONL: the first batch.
            first = await _prefetch(stream, 2 if format_ == "csv" else 1)
        except BaseException:
            await stream.aclose()
            await session.close()
            raise
        request_id = request_id_of(request)

        async def body() -> AsyncIterator[str]:
            try:
                for chunk in first:
                    yield chunk
                async for chunk in stream:
                    yield chunk
            except Exception:
                logger.exception("export %s.%s failed (request %s)", kind, format_, request_id)
                raise
            finally:
                await stream.aclose()
                await session.close()

        return StreamingResponse(
            body(),
            media_type=FORMATS[format_],
            headers={"Content-Disposition": f'attachment; filename="{kind}.{format_}"'},
        )
