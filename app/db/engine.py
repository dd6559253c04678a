"""Engine and session factories. One engine per process; one read session per request (see
`app.db.reads`), one write session per command."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession

from app.graphql.compiler import sqlite_functions

POOL_SIZE = 40
POOL_OVERFLOW = 20


def create_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    url = make_url(database_url)
    kwargs: dict[str, Any] = {"echo": echo}
    # A request holds one connection from its first read to its end, so the pool keeps as
    # many as the clients a worker serves at once (32 without churn, then overflow). No ping
    # on checkout: a connection broken by a restart fails one request, and SQLAlchemy then
    # invalidates the pool's other connections, so the next requests reconnect.
    kwargs["pool_size"] = POOL_SIZE
    kwargs["max_overflow"] = POOL_OVERFLOW
    if url.get_backend_name() == "postgresql":
        # Prepared statements keep their generic plan. The compiled path's statements are
        # large (planning one can cost more than running it) and their parameters are page
        # sizes, cursors and keys, which a generic plan serves as well as a custom one; left
        # to itself PostgreSQL re-plans a statement whose cursor is sometimes null every time.
        kwargs["connect_args"] = {"server_settings": {"plan_cache_mode": "force_generic_plan"}}
    if url.get_backend_name() == "sqlite":
        # Pooled too: opening an aiosqlite connection starts a thread and runs the PRAGMAs.
        # The busy timeout lets concurrent writers queue. Short compiled reads run on the
        # loop's thread (app.db.sqlite_inline), one request at a time per connection.
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
    engine = create_async_engine(url, **kwargs)
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Emit BEGIN ourselves (below): the driver's implicit BEGIN cannot be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        sqlite_functions.install(dbapi_connection)  # the compiler's JSON spellings

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Write transactions take the write lock up front, so concurrent writers queue on the
        # busy timeout instead of failing when a read lock cannot be upgraded.
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Plain sessions (seeding, importing, tests): the caller owns their transactions."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for serving reads: one per request, in one read-only transaction.

    On PostgreSQL the transaction is REPEATABLE READ READ ONLY, one `BEGIN` statement: the
    whole response sees one snapshot. On SQLite a deferred transaction (WAL) does the same."""
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_write_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for mutations: one transaction each, IMMEDIATE on SQLite."""
    writer = engine.execution_options(sqlite_begin="IMMEDIATE")
    return async_sessionmaker(writer, expire_on_commit=False, autoflush=False)
