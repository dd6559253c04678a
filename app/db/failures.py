"""Database failures as the envelope's types, never as the driver's text.

- `bad_gateway` (502, `UNAVAILABLE`): cannot connect, connection lost, database missing,
  credentials refused, a file or disk error;
- `gateway_timeout` (504, `TOO_SLOW`): statement, pool or lock timeout, SQLite busy/locked;
- `schema_not_migrated` (503, `NOT_MIGRATED`): a table or column the code needs does not
  exist (never migrated, or migrated by an older release);
- `validation_error` (422, `REFUSED_VALUE`): the database refuses a value of the request (out
  of range, not encodable, a LIKE pattern too complex).

Anything else is not recognized here (`None`): the caller masks it as `internal_error`. No
detail ever carries SQL, parameters, hosts, ports or the driver's message; the original
exception goes to the log with the request id. Input-caused failures are checked for before
any SQL where possible (app/graphql/input_guard.py); the 422 here is the backstop.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc

from app.errors import (
    BadGateway,
    CatalogError,
    FieldError,
    GatewayTimeout,
    SchemaNotMigrated,
    ValidationFailed,
)

UNAVAILABLE = "The database is unavailable; try again later"
TOO_SLOW = "The database did not answer in time; try again later"
NOT_MIGRATED = (
    "The database schema is not migrated to this version of the service: run `catalog db upgrade`"
)
REFUSED_VALUE = "The database cannot represent a value of this request"

# SQLSTATE 57014 (query_canceled) is what a PostgreSQL statement_timeout raises; 55P03
# (lock_not_available) a lock_timeout.
_TIMEOUT_SQLSTATES = {"57014", "55P03"}
# 57P01-57P03 (admin shutdown, crash, cannot connect now), 3D000 (database does not exist).
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03", "3D000"}
# Class 08 (connection exception), 28 (invalid authorization), 53 (insufficient resources,
# e.g. too many connections).
_UNAVAILABLE_CLASSES = ("08", "28", "53")
# 42P01 undefined_table, 42703 undefined_column.
_NOT_MIGRATED_SQLSTATES = {"42P01", "42703"}
# Class 22 (data exception): a parameter out of range, not encodable, of the wrong form.
_REFUSED_VALUE_CLASSES = ("22",)

_SQLITE_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_SQLITE_UNAVAILABLE_PREFIXES = (
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_CORRUPT",
    "SQLITE_NOTADB",
    "SQLITE_READONLY",
    "SQLITE_FULL",
    "SQLITE_PERM",
    "SQLITE_AUTH",
    "SQLITE_PROTOCOL",
)
_SQLITE_REFUSED = {"SQLITE_TOOBIG", "SQLITE_RANGE", "SQLITE_MISMATCH"}
_SQLITE_NOT_MIGRATED_TEXT = ("no such table", "no such column")
_SQLITE_REFUSED_TEXT = (
    "like or glob pattern too complex",
    "too many sql variables",
    "string or blob too big",
    "expression tree is too large",
    "too many terms",
)
_SQLITE_UNAVAILABLE_TEXT = (
    "unable to open",
    "disk i/o error",
    "database disk image is malformed",
    "file is not a database",
    "readonly database",
)
_SQLITE_BUSY_TEXT = ("database is locked", "database table is locked")


def _sqlstate(error: BaseException) -> str | None:
    original = getattr(error, "orig", None)
    for candidate in (original, getattr(original, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(state, str):
            return state
    return None


def refused_value() -> ValidationFailed:
    return ValidationFailed(
        REFUSED_VALUE,
        [
            FieldError(
                ("request",),
                "a value is out of range or cannot be stored by the database",
                "value_error.database",
            )
        ],
    )


def _from_sqlstate(state: str) -> CatalogError | None:
    if state in _TIMEOUT_SQLSTATES:
        return GatewayTimeout(TOO_SLOW)
    if state in _UNAVAILABLE_SQLSTATES or state.startswith(_UNAVAILABLE_CLASSES):
        return BadGateway(UNAVAILABLE)
    if state in _NOT_MIGRATED_SQLSTATES:
        return SchemaNotMigrated(NOT_MIGRATED)
    if state.startswith(_REFUSED_VALUE_CLASSES):
        return refused_value()
    return None


def _from_sqlite(error: BaseException) -> CatalogError | None:
    """SQLite has no SQLSTATE: its error name (Python 3.11+) and, for SQLITE_ERROR, the text."""
    name = str(getattr(error, "sqlite_errorname", "") or "")
    text = str(error).lower()
    if name in _SQLITE_BUSY or text.startswith(_SQLITE_BUSY_TEXT):
        return GatewayTimeout(TOO_SLOW)
    if name.startswith(_SQLITE_UNAVAILABLE_PREFIXES) or text.startswith(_SQLITE_UNAVAILABLE_TEXT):
        return BadGateway(UNAVAILABLE)
    if text.startswith(_SQLITE_NOT_MIGRATED_TEXT):
        return SchemaNotMigrated(NOT_MIGRATED)
    if name in _SQLITE_REFUSED or text.startswith(_SQLITE_REFUSED_TEXT):
        return refused_value()
    return None


def upstream_error(error: BaseException) -> CatalogError | None:
    """The envelope error a database failure stands for, or None when it is not one we know."""
    if isinstance(error, sa_exc.TimeoutError | TimeoutError):
        return GatewayTimeout(TOO_SLOW)
    if isinstance(error, sa_exc.DBAPIError):
        original = error.orig
        if isinstance(original, sqlite3.Error):
            return _from_sqlite(original)
        state = _sqlstate(error)
        if state is not None:
            found = _from_sqlstate(state)
            if found is not None:
                return found
        if error.connection_invalidated:
            return BadGateway(UNAVAILABLE)
        if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError) and state is None:
            if str(original).lower().startswith(_SQLITE_NOT_MIGRATED_TEXT):
                return SchemaNotMigrated(NOT_MIGRATED)
            return BadGateway(UNAVAILABLE)  # e.g. "connection is closed"
        return None
    if isinstance(error, sqlite3.Error):
        return _from_sqlite(error)
    if isinstance(error, OverflowError) and "sqlite" in str(error).lower():
        return refused_value()  # "Python int too large to convert to SQLite INTEGER"
    if isinstance(error, UnicodeEncodeError) and "surrogates not allowed" in str(error):
        return refused_value()  # a lone surrogate the driver cannot encode
    if isinstance(error, ConnectionError | OSError):
        return BadGateway(UNAVAILABLE)  # refused before any DBAPI wrapper saw it
    return None
