"""Read statements sent straight to the driver, for the compiled path.

A compiled operation is a handful of finished SQL strings, each answering one text value. The
ORM session, the Core `Connection`, its result metadata and its greenlet hops cost more than
the statement itself on a small answer, so these go to the pooled driver connection:

- on PostgreSQL, one statement runs on its own (a single statement sees one snapshot, so no
  `BEGIN`/`ROLLBACK` round trips); several run in one `REPEATABLE READ READ ONLY`
  transaction, as the resolver path's read scope does;
- on SQLite (autocommit connections, see `app.db.engine`), one statement also runs alone;
  several run in one deferred transaction (one WAL snapshot); a short statement runs on the
  event loop's thread, a long one on aiosqlite's (`app.db.sqlite_inline`).

The connection comes from, and goes back to, the engine's pool, and each statement goes
through the engine's `before_cursor_execute` listeners as Core's would (statement counts,
metrics, tests that rewrite statements).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from app.db.sqlite_inline import inline_reads

Statement = tuple[str, Sequence[Any]]


async def fetch_texts(engine: AsyncEngine, statements: Sequence[Statement]) -> list[str | None]:
    """The first column of the first row of each statement (None where there is no row)."""
    statements = [_announced(engine, sql, args) for sql, args in statements]
    fairy = await engine.raw_connection()
    try:
        driver: Any = fairy.driver_connection
        if engine.dialect.name == "postgresql":
            texts = await _postgresql(driver, statements)
        else:
            texts = await _sqlite(driver, statements)
    except BaseException as error:
        if _connection_lost(engine, error):
            await greenlet_spawn(fairy.invalidate, error)  # closed, not back into the pool
            raise
        await _check_in(fairy)
        raise
    await _check_in(fairy)
    return texts


async def _check_in(fairy: Any) -> None:
    # Every path here ends its own transaction, so the pool's reset-on-return rollback (a
    # thread hop on aiosqlite) is skipped, as `Connection.close` skips it. Checking in may
    # still talk to the driver (closing an overflow connection): in a greenlet.
    await greenlet_spawn(fairy._close_special, True)


def _connection_lost(engine: AsyncEngine, error: BaseException) -> bool:
    """Whether the connection may be unusable: anything but an error the server reported
    (a statement timeout, say, leaves it as good as before)."""
    if engine.dialect.name != "postgresql":
        return False
    import asyncpg  # type: ignore[import-untyped]

    return not isinstance(error, asyncpg.PostgresError)


def _announced(engine: AsyncEngine, sql: str, args: Sequence[Any]) -> Statement:
    """The statement after the engine's listeners, called as `Connection` calls them (these
    have no `Connection`, cursor or execution context to offer)."""
    for listener in engine.sync_engine.dispatch.before_cursor_execute:
        sql, args = listener(None, None, sql, args, None, False)
    return sql, args


async def _postgresql(driver: Any, statements: Sequence[Statement]) -> list[str | None]:
    if len(statements) == 1:
        sql, args = statements[0]
        return [await driver.fetchval(sql, *args)]
    async with driver.transaction(isolation="repeatable_read", readonly=True):
        return [await driver.fetchval(sql, *args) for sql, args in statements]


async def _sqlite(driver: Any, statements: Sequence[Statement]) -> list[str | None]:
    # Short statements run on the loop's thread, long ones on aiosqlite's (app.db.sqlite_inline).
    if len(statements) == 1:
        return [await inline_reads.fetch_first(driver, *statements[0])]
    inline_reads.run(driver, "BEGIN DEFERRED")
    try:
        return [await inline_reads.fetch_first(driver, sql, args) for sql, args in statements]
    finally:
        inline_reads.run(driver, "ROLLBACK")
