"""The one place GraphQL errors become the contract's envelope.

`extensions = {code, type, detail, errors?, requestId}`. Domain errors keep their type; errors
graphql-core raises before execution (syntax, unknown fields, bad variables) are the client's
(`invalid_request`); anything else is masked as `internal_error` and logged with the request id.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from app.db.failures import upstream_error
from app.errors import CatalogError, InternalError, InvalidRequest

logger = logging.getLogger("app.graphql")

INTERNAL_DETAIL = "Internal server error"


def classify(error: GraphQLError) -> CatalogError:
    original = error.original_error
    if isinstance(original, CatalogError):
        return original
    if original is None or isinstance(original, GraphQLError):
        return InvalidRequest(error.message)
    return upstream_error(original) or InternalError(INTERNAL_DETAIL)


def envelope(error: CatalogError, request_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {"code": error.code, "type": error.type, "detail": error.detail}
    if error.errors:
        body["errors"] = [e.as_dict() for e in error.errors]
    body["requestId"] = request_id
    return body


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    domain = classify(error)
    formatted: dict[str, Any] = {
        "message": domain.detail if domain.type == "internal_error" else error.message,
        "extensions": envelope(domain, request_id),
    }
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    if error.path is not None:
        formatted["path"] = error.path
    return formatted


def log_unexpected(errors: list[GraphQLError], request_id: str) -> None:
    for error in errors:
        if classify(error).code >= 500:
            logger.error(
                "internal error (request %s) at %s",
                request_id,
                error.path,
                exc_info=error.original_error,
            )
