"""The request being served, as a contextvar: its id for every log line, its SQL statement
count and GraphQL operation name for the metrics and the request's log line.

`ObserveMiddleware` sets it when a request arrives; DataLoader tasks and SQLAlchemy's greenlets
run in copies of that context, so they all see (and update) the same `RequestStats` object.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(slots=True)
class RequestStats:
    request_id: str
    statements: int = 0
    # The first GraphQL operation the request ran (REST routes run GraphQL in-process too).
    operation: str | None = None


current_request: ContextVar[RequestStats | None] = ContextVar("catalog_request", default=None)


def current_request_id() -> str | None:
    stats = current_request.get()
    return stats.request_id if stats is not None else None


def note_operation(name: str | None) -> None:
    """Record the GraphQL operation this request runs (the first one, for REST routes);
    anonymous operations are recorded as "anonymous"."""
    stats = current_request.get()
    if stats is not None and stats.operation is None:
        stats.operation = name or "anonymous"
