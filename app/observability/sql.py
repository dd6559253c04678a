"""SQL statements per request and the pool's state, from SQLAlchemy engine and pool events.

`instrument_engine` is idempotent (tests build many apps on one engine): the listeners are
module functions, added once per engine.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from app.observability.metrics import POOL_IN_USE, POOL_OVERFLOW, POOL_SIZE
from app.observability.request_context import current_request

# The project's statement counts leave transaction control out (tests/test_statement_counts).
_NOT_COUNTED = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE")

_engines: weakref.WeakSet[Engine] = weakref.WeakSet()
_shown: tuple[int, int, int] | None = None


def _count_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    stats = current_request.get()
    if stats is not None and not statement.startswith(_NOT_COUNTED):
        stats.statements += 1


def _pool_numbers(engine: Engine) -> tuple[int, int, int]:
    pool: Any = engine.pool
    try:
        return pool.checkedout(), max(0, pool.overflow()), pool.size()
    except AttributeError:  # a pool without a size (NullPool, StaticPool)
        return 0, 0, 0


def refresh_pool_gauges() -> None:
    """Set the pool gauges from this process's engines (the pool of each, as it is now)."""
    global _shown
    in_use = overflow = size = 0
    for engine in _engines:
        used, over, kept = _pool_numbers(engine)
        in_use, overflow, size = in_use + used, overflow + over, size + kept
    if (in_use, overflow, size) != _shown:
        _shown = (in_use, overflow, size)
        POOL_IN_USE.set(in_use)
        POOL_OVERFLOW.set(overflow)
        POOL_SIZE.set(size)


def _on_checkout(*_args: Any) -> None:
    refresh_pool_gauges()


def instrument_engine(engine: AsyncEngine) -> None:
    sync = engine.sync_engine
    if not event.contains(sync, "before_cursor_execute", _count_statement):
        event.listen(sync, "before_cursor_execute", _count_statement)
    # A checkout shows the pool at its busiest. (SQLAlchemy's checkin event fires before the
    # connection is back in the pool, so returns are seen at the end of each request instead,
    # and at every scrape.)
    if not event.contains(sync, "checkout", _on_checkout):
        event.listen(sync, "checkout", _on_checkout)
    _engines.add(sync)
    refresh_pool_gauges()
