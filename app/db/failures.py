"""Database failures that are the upstream's, not the service's: 502 and 504, not 500.

The envelope still says nothing about SQL; the detail only names the kind of failure.
"""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

from app.errors import BadGateway, CatalogError, GatewayTimeout

UNAVAILABLE = "The database is unavailable; try again later"
TOO_SLOW = "The database did not answer in time; try again later"

# SQLSTATE 57014 (query_canceled) is what a PostgreSQL statement_timeout raises.
_TIMEOUT_SQLSTATES = {"57014"}
# Class 08 (connection exception), 57P01-57P03 (admin shutdown, crash, cannot connect now).
_UNAVAILABLE_SQLSTATES = {"57P01", "57P02", "57P03"}


def _sqlstate(error: BaseException) -> str | None:
    original = getattr(error, "orig", None)
    for candidate in (original, getattr(original, "__cause__", None)):
        state = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(state, str):
            return state
    return None


def upstream_error(error: BaseException) -> CatalogError | None:
    """The 502/504 error an exception stands for, or None when it is not the database's."""
    if isinstance(error, sa_exc.TimeoutError | TimeoutError):
        return GatewayTimeout(TOO_SLOW)
    if isinstance(error, sa_exc.DBAPIError):
        state = _sqlstate(error)
        if state in _TIMEOUT_SQLSTATES:
            return GatewayTimeout(TOO_SLOW)
        if error.connection_invalidated or (
            state is not None and (state.startswith("08") or state in _UNAVAILABLE_SQLSTATES)
        ):
            return BadGateway(UNAVAILABLE)
        if isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError) and state is None:
            return BadGateway(UNAVAILABLE)  # e.g. SQLite "unable to open database file"
        return None
    if isinstance(error, ConnectionError | OSError):
        return BadGateway(UNAVAILABLE)  # refused before any DBAPI wrapper saw it
    return None
