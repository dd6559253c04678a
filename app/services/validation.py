"""Input validation that reports every invalid field at once (one `validation_error`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlparse

from app.errors import FieldError, ValidationFailed
from app.services import semver
from app.services.aliases import is_valid_alias

Loc = tuple[str | int, ...]

_OID = re.compile(r"^(sha256:)?([0-9a-fA-F]{64})$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
MAX_TEXT = 100_000


def camel(name: str) -> str:
    """snake_case → camelCase, for error locations that name GraphQL fields."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def normalize_oid(oid: str) -> str:
    """`sha256:` + 64 lowercase hex, from either accepted spelling."""
    match = _OID.match(oid)
    assert match is not None
    return "sha256:" + match.group(2).lower()


class Checker:
    """Collects field errors; `raise_if_any` raises them together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, loc: Loc, msg: str, kind: str = "value_error") -> None:
        self.errors.append(FieldError(loc, msg, kind))

    def raise_if_any(self, detail: str = "Invalid input") -> None:
        if self.errors:
            raise ValidationFailed(f"{detail}: {len(self.errors)} invalid field(s)", self.errors)

    def semver(self, loc: Loc, value: str) -> None:
        if not semver.is_valid(value):
            self.add(
                loc,
                f"'{value[:100]}' is not a semantic version (semver 2.0.0)",
                "value_error.semver",
            )

    def slug(self, loc: Loc, value: str) -> None:
        if not _SLUG.match(value):
            self.add(loc, "must match [a-z0-9][a-z0-9._-]{0,99}", "value_error.slug")

    def text(
        self, loc: Loc, value: str | None, *, required: bool = False, max_len: int = 300
    ) -> None:
        if value is None:
            return
        if required and not value.strip():
            self.add(loc, "must not be empty", "value_error.missing")
        elif len(value) > max_len:
            self.add(loc, f"must be at most {max_len} characters", "value_error.too_long")

    def oid(self, loc: Loc, value: str) -> None:
        if not _OID.match(value):
            self.add(
                loc,
                "must be 'sha256:' followed by 64 hex digits, or 64 hex digits",
                "value_error.oid",
            )

    def non_negative(self, loc: Loc, value: float | int | None) -> None:
        if value is not None and (not math.isfinite(value) or value < 0):
            self.add(loc, "must be a finite number ≥ 0", "value_error.negative")

    def finite(self, loc: Loc, value: Any) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.add(loc, "must be a finite number", "value_error.number")

    def alias(self, loc: Loc, value: str) -> None:
        if not is_valid_alias(value):
            self.add(
                loc,
                "must match [a-z0-9][a-z0-9._-]{0,49} and not be a version",
                "value_error.alias",
            )

    def url(self, loc: Loc, value: str | None) -> None:
        if value is None:
            return
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(value) > 500:
            self.add(loc, "must be an http(s) URL of at most 500 characters", "value_error.url")

    def metrics(self, loc: Loc, value: Any) -> None:
        if not isinstance(value, Mapping):
            self.add(loc, "must be an object of metric name → number", "type_error.object")
            return
        for key, number in value.items():
            if not isinstance(key, str) or not key or len(key) > 200:
                self.add((*loc, str(key)[:50]), "metric names are 1-200 characters", "value_error")
            self.finite((*loc, str(key)[:200]), number)

    def unique(self, loc: Loc, values: Iterable[Any], what: str) -> None:
        seen: set[Any] = set()
        for index, value in enumerate(values):
            if value in seen:
                self.add((*loc, index), f"duplicate {what} '{value}'", "value_error.duplicate")
            seen.add(value)


# Allowed status changes (seed 004's lifecycle). DELETED is final; a version becomes DELETED
# only through deleteVersion.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    "PARTIAL": frozenset({"ACTIVE", "INACTIVE", "CANCELED", "REJECTED"}),
    "ACTIVE": frozenset({"INACTIVE"}),
    "INACTIVE": frozenset({"ACTIVE"}),
    "CANCELED": frozenset(),
    "REJECTED": frozenset(),
    "DELETED": frozenset(),
}
PUBLISHABLE_STATUSES = frozenset({"PARTIAL", "ACTIVE", "INACTIVE"})


def transition_allowed(current: str, new: str) -> bool:
    return new == current or new in STATUS_TRANSITIONS.get(current, frozenset())
