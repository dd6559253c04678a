"""Domain errors with stable types and HTTP-equivalent codes (no GraphQL imports here).

The envelope every client sees is `{code, type, detail, errors?, requestId}`; the GraphQL view
and the REST routes turn these exceptions into it in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    loc: tuple[str | int, ...]
    msg: str
    type: str

    def as_dict(self) -> dict[str, Any]:
        return {"loc": list(self.loc), "msg": self.msg, "type": self.type}


@dataclass
class CatalogError(Exception):
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    type = "internal_error"
    code = 500

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    def __str__(self) -> str:
        return self.detail


class InvalidRequest(CatalogError):
    type = "invalid_request"
    code = 400


class HTTPRefusal(InvalidRequest):
    """A request refused at the HTTP level (bad method, body, media type): the envelope with
    the HTTP status as its code."""

    def __init__(self, detail: str, code: int) -> None:
        super().__init__(detail)
        self.code = code


class AuthenticationError(CatalogError):
    type = "authentication_error"
    code = 401


class PermissionDenied(CatalogError):
    type = "permission_denied"
    code = 403


class NotFound(CatalogError):
    type = "not_found"
    code = 404


class AlreadyExists(CatalogError):
    type = "already_exists"
    code = 409


class ValidationFailed(CatalogError):
    type = "validation_error"
    code = 422


class UpgradeRequired(CatalogError):
    type = "upgrade_required"
    code = 426


class RateLimited(CatalogError):
    type = "rate_limited"
    code = 429


class InternalError(CatalogError):
    type = "internal_error"
    code = 500


class BadGateway(CatalogError):
    """The database (the service's upstream) could not be reached or refused the connection."""

    type = "bad_gateway"
    code = 502


class SchemaNotMigrated(CatalogError):
    """The database answers but its schema is missing or behind the code (never migrated, or
    migrated by an older release): an operator's fix (`catalog db upgrade`), not the client's."""

    type = "schema_not_migrated"
    code = 503


class GatewayTimeout(CatalogError):
    """The database did not answer in time (pool or statement timeout)."""

    type = "gateway_timeout"
    code = 504


def validation_error(
    loc: tuple[str | int, ...], msg: str, kind: str = "value_error"
) -> ValidationFailed:
    """A single-field validation failure."""
    return ValidationFailed("Invalid input", [FieldError(loc, msg, kind)])


def envelope(error: CatalogError, request_id: str) -> dict[str, Any]:
    """The contract's envelope of a domain error (GraphQL `extensions`, REST and HTTP bodies)."""
    body: dict[str, Any] = {"code": error.code, "type": error.type, "detail": error.detail}
    if error.errors:
        body["errors"] = [e.as_dict() for e in error.errors]
    body["requestId"] = request_id
    return body
