"""The one place GraphQL errors become the contract's envelope.

`extensions = {code, type, detail, errors?, requestId}` and `message` is always `detail`.
Domain errors keep their type; errors graphql-core raises before execution (syntax, unknown
fields, bad variables, a scalar literal its parser refuses) are the client's
(`invalid_request`); database failures get the types of app/db/failures.py with a detail of
their own (never the driver's text); anything else is masked as `internal_error` and logged
with the request id.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from app.db.failures import upstream_error
from app.errors import CatalogError, InternalError, InvalidRequest
from app.errors import envelope as envelope

logger = logging.getLogger("app.graphql")

INTERNAL_DETAIL = "Internal server error"


def classify(error: GraphQLError) -> CatalogError:
    original = error.original_error
    if isinstance(original, CatalogError):
        return original
    if original is None or isinstance(original, GraphQLError):
        return InvalidRequest(error.message)
    if error.path is None and error.nodes and isinstance(original, ValueError | TypeError):
        # A scalar's parser refused a literal or variable during validation or variable
        # coercion (graphql-core wraps what it raises): the client's input, not a defect.
        return InvalidRequest(error.message)
    return upstream_error(original) or InternalError(INTERNAL_DETAIL)


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    domain = classify(error)
    formatted: dict[str, Any] = {
        "message": domain.detail,
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
