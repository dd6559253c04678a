"""What the command line says when a user got something wrong: one line, and an exit status.

Every mistake a user can make (a `DATABASE_URL` that is not a usable URL, a database that cannot
be reached or does not exist, a schema behind head, an unknown revision, a missing directory,
an invalid slug, a port in use) becomes a `CliError`: `catalog` prints `catalog <command>: <what
is wrong>: <what to do>` on stderr and exits with the status below. Nothing here ever prints a
password: URLs are shown with it masked.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

# Exit statuses (the README's "Exit statuses" lists them; `catalog import` shares 0-4).
EXIT_OK = 0
EXIT_PARTIAL = 1  # done in part: import skipped some rows; token revoke found no live token
EXIT_USAGE = 2  # the command line does not parse (argparse); import: a file could not be parsed
EXIT_INPUT = 3  # an argument names something missing or invalid (path, revision, slug, org, …)
EXIT_DATABASE = 4  # the database cannot be reached, does not exist, or refused the command
EXIT_CONFIG = 5  # the environment is wrong: DATABASE_URL, CATALOG_* variables
EXIT_SCHEMA = 6  # the schema is not at head (never migrated, behind, or unknown): db upgrade
EXIT_SERVE = 7  # serve: the address cannot be bound, or the server did not start
EXIT_INTERRUPTED = 130  # Ctrl-C

EXAMPLE_URLS = "sqlite+aiosqlite:///./catalog.db or postgresql+asyncpg://USER@HOST:5432/DATABASE"
_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
_NETWORK_ERRNOS = {
    errno.ECONNRESET,
    errno.ECONNABORTED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ENETDOWN,
    errno.EHOSTDOWN,
    errno.ETIMEDOUT,
    errno.EPIPE,
}
_ALIASES = {"postgres": "postgresql", "pgsql": "postgresql", "sqlite3": "sqlite"}


@dataclass
class CliError(Exception):
    message: str
    status: int

    def __post_init__(self) -> None:
        super().__init__(self.message)


def mask(raw: str) -> str:
    """A URL string with any password replaced by ***, even when it does not parse."""
    scheme, sep, rest = raw.partition("://")
    if not sep:
        return raw
    credentials, at, location = rest.rpartition("@")
    if not at or ":" not in credentials:
        return raw
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{location}"


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def where(url: URL) -> str:
    """host:port of a PostgreSQL URL (what a user recognises), or the SQLite file."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    host = url.host or "localhost"
    return f"{host}:{url.port or 5432}"


def check_database_url(raw: str) -> URL:
    """The parsed URL of a database the service can use; else a CliError saying how to fix it."""
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):
        raise CliError(
            f"DATABASE_URL {mask(raw)!r} is not a database URL: use {EXAMPLE_URLS}", EXIT_CONFIG
        ) from None
    backend, _, driver = url.drivername.partition("+")
    canonical = _ALIASES.get(backend, backend)
    if canonical not in _ASYNC_DRIVERS:
        raise CliError(
            f"DATABASE_URL: {backend!r} databases are not supported: use {EXAMPLE_URLS}",
            EXIT_CONFIG,
        )
    wanted = _ASYNC_DRIVERS[canonical]
    if backend != canonical or driver != wanted:
        fixed = shown(url.set(drivername=f"{canonical}+{wanted}"))
        if backend != canonical:
            what = f"the scheme '{backend}://' is not one SQLAlchemy knows"
        elif not driver:
            what = f"'{backend}://' means a synchronous driver"
        else:
            what = f"the driver '{driver}' is not the asynchronous one this service uses"
        raise CliError(f"DATABASE_URL {shown(url)!r}: {what}: use {fixed}", EXIT_CONFIG)
    if canonical == "sqlite":
        _check_sqlite_file(url)
    return url


def _check_sqlite_file(url: URL) -> None:
    database = url.database or ""
    if url.query.get("uri") or database.startswith("file:"):
        return
    if database in ("", ":memory:"):
        raise CliError(
            f"DATABASE_URL {shown(url)!r} is an in-memory SQLite database, gone when the command "
            "ends: name a file, e.g. sqlite+aiosqlite:///./catalog.db",
            EXIT_CONFIG,
        )
    path = Path(database)
    if path.is_dir():
        raise CliError(
            f"DATABASE_URL names {database}, which is a directory: name a file in it, "
            f"e.g. sqlite+aiosqlite:///{path / 'catalog.db'}",
            EXIT_CONFIG,
        )
    parent = path.parent
    if not parent.is_dir():
        raise CliError(
            f"the directory {parent} of the SQLite database {database} does not exist: "
            f"create it (`mkdir -p {parent}`) or fix DATABASE_URL",
            EXIT_CONFIG,
        )


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, its DBAPI original and its causes, each once."""
    seen: set[int] = set()
    stack = [error]
    while stack:
        current = stack.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for linked in (getattr(current, "orig", None), current.__cause__, current.__context__):
            if isinstance(linked, BaseException):
                stack.append(linked)


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else None


def _createdb_hint(url: URL) -> str:
    flags = []
    if url.host not in (None, "localhost", "127.0.0.1", "::1"):
        flags.append(f"-h {url.host}")
    if url.port not in (None, 5432):
        flags.append(f"-p {url.port}")
    return " ".join(["createdb", *flags, url.database or "catalog"])


def explain(error: BaseException, url: URL) -> CliError | None:
    """The one-line message for a failure to use the database; None when it is not one."""
    chain = list(_chain(error))
    at = where(url)
    states = {state for state in map(_sqlstate, chain) if state is not None}
    for item in chain:
        if isinstance(item, asyncpg.InvalidCatalogNameError) or "3D000" in states:
            return CliError(
                f"database '{url.database}' does not exist on {at}: "
                f"create it with `{_createdb_hint(url)}`",
                EXIT_DATABASE,
            )
        if isinstance(item, asyncpg.InvalidPasswordError) or "28P01" in states:
            return CliError(
                f"PostgreSQL on {at} refused the password of user '{url.username}': "
                "fix the user and password in DATABASE_URL",
                EXIT_DATABASE,
            )
        if isinstance(item, asyncpg.InvalidAuthorizationSpecificationError) or "28000" in states:
            reason = str(item).splitlines()[0] if str(item) else "not allowed"
            return CliError(
                f"PostgreSQL on {at} does not let user '{url.username}' in ({reason}): "
                "fix the user in DATABASE_URL or the server's pg_hba.conf",
                EXIT_DATABASE,
            )
        if isinstance(item, asyncpg.CannotConnectNowError) or "57P03" in states:
            return CliError(
                f"PostgreSQL on {at} is starting or shutting down: try again in a moment",
                EXIT_DATABASE,
            )
        if isinstance(item, asyncpg.TooManyConnectionsError) or "53300" in states:
            return CliError(
                f"PostgreSQL on {at} has no connection slot left: try again when fewer "
                "clients are connected",
                EXIT_DATABASE,
            )
        if isinstance(item, asyncpg.UndefinedTableError) or "42P01" in states:
            return CliError(
                "the database has no catalog tables: run `catalog db upgrade`", EXIT_SCHEMA
            )
        if isinstance(item, socket.gaierror):
            return CliError(
                f"cannot resolve the database host '{url.host}': fix the host in DATABASE_URL",
                EXIT_DATABASE,
            )
        if isinstance(item, ConnectionRefusedError):
            return CliError(
                f"nothing answers on {at} (connection refused): start PostgreSQL there, "
                "or fix the host and port in DATABASE_URL",
                EXIT_DATABASE,
            )
        if isinstance(item, TimeoutError):
            return CliError(
                f"the database on {at} did not answer in time: check that it runs and that "
                "the network lets you reach it",
                EXIT_DATABASE,
            )
        if isinstance(item, sqlite3.Error):
            return _explain_sqlite(item, url)
        if isinstance(item, OSError) and item.errno in _NETWORK_ERRNOS:
            reason = item.strerror or errno.errorcode.get(item.errno, str(item.errno))
            return CliError(
                f"cannot connect to the database on {at} ({reason}): check DATABASE_URL "
                "and that the server runs",
                EXIT_DATABASE,
            )
    for item in chain:
        if isinstance(item, asyncpg.PostgresError | SQLAlchemyError):
            kind = type(item).__name__
            state = f", SQLSTATE {next(iter(states))}" if states else ""
            return CliError(
                f"the database refused the command ({kind}{state}): check that the schema is "
                "current (`catalog db upgrade`) and try again",
                EXIT_DATABASE,
            )
    return None


def _explain_sqlite(error: sqlite3.Error, url: URL) -> CliError:
    text = str(error)
    path = url.database
    if "no such table" in text:
        return CliError("the database has no catalog tables: run `catalog db upgrade`", EXIT_SCHEMA)
    if "locked" in text or "busy" in text:
        return CliError(
            f"the SQLite database {path} is locked by another process: try again when it is done",
            EXIT_DATABASE,
        )
    if "readonly" in text or "read-only" in text:
        return CliError(
            f"the SQLite database {path} is read-only: make the file and its directory writable",
            EXIT_DATABASE,
        )
    if "not a database" in text:
        return CliError(
            f"{path} is not a SQLite database: point DATABASE_URL at a catalog database file",
            EXIT_DATABASE,
        )
    if "unable to open" in text:
        return CliError(
            f"cannot open the SQLite database {path}: check that its directory exists and is "
            "writable",
            EXIT_DATABASE,
        )
    return CliError(f"the SQLite database {path} refused the command ({text})", EXIT_DATABASE)


@contextmanager
def database_errors(url: URL) -> Iterator[None]:
    """Turns a failure to use the database into its CliError; anything else propagates."""
    try:
        yield
    except CliError:
        raise
    except Exception as error:
        explained = explain(error, url)
        if explained is None:
            raise
        raise explained from None
