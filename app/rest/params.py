"""Query-string and header parsing for the REST routes (pure functions, no I/O).

Every problem is collected as a `FieldError` with `loc = ("query", name)` (or `("header",
name)`), so one bad request reports all of its bad parameters in one `validation_error` (422).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.errors import FieldError, InvalidRequest, UpgradeRequired, ValidationFailed
from app.rest.spec import QueryParam
from app.services import aliases, semver

# --- API version header -------------------------------------------------------------------

VERSION_HEADERS = ("x-api-version", "accept-version")
CURRENT_API_VERSION = "1"
SUPPORTED_MAJORS = frozenset({1})
_VERSION = re.compile(r"^v?(\d{1,4})(?:\.(\d{1,4}))?$", re.IGNORECASE)


def check_api_version(headers: Mapping[str, str]) -> None:
    """`X-API-Version` (or `Accept-Version`): `1`, `1.0`, `v1`. Absent means the current one.

    A retired (older) major version is `upgrade_required` (426); a malformed value or one newer
    than this service knows is `invalid_request` (400).
    """
    for name in VERSION_HEADERS:
        raw = headers.get(name)
        if raw is None:
            continue
        match = _VERSION.match(raw.strip())
        if match is None:
            raise InvalidRequest(
                f"Malformed {name} header {raw!r}: expected a version such as "
                f"'{CURRENT_API_VERSION}'",
                [FieldError(("header", name), "malformed API version", "value_error.format")],
            )
        major = int(match.group(1))
        if major in SUPPORTED_MAJORS:
            continue
        if major < min(SUPPORTED_MAJORS):
            raise UpgradeRequired(
                f"API version {raw.strip()} is no longer supported; send {name}: "
                f"{CURRENT_API_VERSION}"
            )
        raise InvalidRequest(
            f"Unknown API version {raw.strip()}; supported: "
            + ", ".join(str(v) for v in sorted(SUPPORTED_MAJORS)),
            [FieldError(("header", name), "unknown API version", "value_error.unknown")],
        )


# --- text that no database accepts ---------------------------------------------------------


def check_text(path: Mapping[str, str], query: Mapping[str, Sequence[str]]) -> None:
    """NUL characters are refused up front (PostgreSQL text cannot hold them): 400."""
    problems = [
        FieldError(("path", k), "contains a NUL character", "value_error.nul")
        for k, v in path.items()
        if "\x00" in v
    ]
    problems += [
        FieldError(("query", k), "contains a NUL character", "value_error.nul")
        for k, values in query.items()
        if any("\x00" in v for v in values) or "\x00" in k
    ]
    if problems:
        raise InvalidRequest("Request contains a NUL character", problems)


# --- query parameters ---------------------------------------------------------------------

MAX_LIMIT = 200
DEFAULT_LIMIT = 20
MIN_COMPARE = 2
MAX_COMPARE = 5

# REST sort name → GraphQL ModelOrderField. `-name` means descending; `score:<benchmark>`
# orders by that benchmark's score.
SORT_FIELDS = {
    "name": "NAME",
    "release_date": "RELEASE_DATE",
    "created_at": "CREATED_AT",
    "downloads": "DOWNLOADS",
    "param_count": "PARAM_COUNT",
    "context_window": "CONTEXT_WINDOW",
    "price": "PRICE",
}
# A version reference in a path: a semantic version or an alias name.
VERSION_REF_PATTERN = f"^(?:{aliases.PATTERN}|{semver.PATTERN.removeprefix('^')})$"
_PRICE = {"type": "number", "minimum": 0}
_DAY = {"type": "string", "format": "date"}
# The query string of `/v1/models`, as `/openapi.json` documents it.
MODEL_LIST_QUERY = (
    QueryParam("organization", {"type": "string"}, "Organization slug"),
    QueryParam("family", {"type": "string"}, "Model family slug"),
    QueryParam("modality", {"type": "string"}, "A modality the model has (`text`, `image`...)"),
    QueryParam("provider", {"type": "string"}, "Slug of a provider that serves the model"),
    QueryParam("open_weight", {"type": "boolean"}, "Open-weight models only (or closed only)"),
    QueryParam("max_input_price", _PRICE, "Some provider's input price ≤ this, USD per 1M"),
    QueryParam("max_output_price", _PRICE, "Some provider's output price ≤ this, USD per 1M"),
    QueryParam(
        "min_context",
        {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        "Context window of at least this many tokens",
    ),
    QueryParam("released_after", _DAY, "Released after this day (exclusive)"),
    QueryParam("released_before", _DAY, "Released before this day (exclusive)"),
    QueryParam(
        "sort",
        {"type": "string", "pattern": "^-?(" + "|".join(SORT_FIELDS) + "|score:.+)$"},
        "Ordering: " + ", ".join(SORT_FIELDS) + " or `score:<benchmark>`; a leading `-` "
        "means descending",
    ),
    QueryParam("cursor", {"type": "string"}, "`next_cursor` of the previous page"),
    QueryParam(
        "limit",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        f"Models per page (1-{MAX_LIMIT})",
    ),
)
LIST_PARAMS = frozenset(param.name for param in MODEL_LIST_QUERY)
COMPARE_QUERY = (
    QueryParam(
        "versions",
        {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": MIN_COMPARE,
            "maxItems": MAX_COMPARE,
        },
        f"{MIN_COMPARE} to {MAX_COMPARE} version strings or aliases, repeated "
        "(`versions=a&versions=b`) or comma-separated",
        required=True,
        example=["3.0.0", "latest"],
    ),
)
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


@dataclass
class _Collector:
    problems: list[FieldError] = field(default_factory=list)

    def add(self, name: str, msg: str, kind: str) -> None:
        self.problems.append(FieldError(("query", name), msg, kind))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationFailed("Invalid query parameters", self.problems)


@dataclass(frozen=True)
class ModelListQuery:
    """The GraphQL arguments a `/v1/models` request stands for."""

    filter: dict[str, Any]
    order_by: dict[str, Any] | None
    cursor: str | None
    limit: int


def _one(params: Mapping[str, Sequence[str]], name: str, out: _Collector) -> str | None:
    values = params.get(name) or []
    if len(values) > 1:
        out.add(name, "given more than once", "value_error.duplicate")
        return None
    return values[0] if values else None


def _parse_bool(raw: str, name: str, out: _Collector) -> bool | None:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    out.add(name, "must be true or false", "type_error.bool")
    return None


def _parse_float(raw: str, name: str, out: _Collector) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        out.add(name, "must be a number", "type_error.float")
        return None
    if not math.isfinite(value) or value < 0:
        out.add(name, "must be a finite number ≥ 0", "value_error.range")
        return None
    return value


def _parse_int(raw: str, name: str, out: _Collector, low: int, high: int) -> int | None:
    try:
        value = int(raw.strip())
    except ValueError:
        out.add(name, "must be an integer", "type_error.integer")
        return None
    if not low <= value <= high:
        out.add(name, f"must be between {low} and {high}", "value_error.range")
        return None
    return value


def _parse_date(raw: str, name: str, out: _Collector) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        out.add(name, "must be a date YYYY-MM-DD", "type_error.date")
        return None


def _parse_sort(raw: str, out: _Collector) -> dict[str, Any] | None:
    text = raw.strip()
    descending = text.startswith("-")
    text = text.removeprefix("-")
    direction = "DESC" if descending else "ASC"
    if text.startswith("score:") and len(text) > len("score:"):
        return {"field": "BENCHMARK_SCORE", "direction": direction, "benchmark": text[6:]}
    if text in SORT_FIELDS:
        return {"field": SORT_FIELDS[text], "direction": direction}
    allowed = ", ".join([*SORT_FIELDS, "score:<benchmark>"])
    out.add("sort", f"unknown sort; use one of {allowed} (prefix - for descending)", "enum")
    return None


def parse_model_list(params: Mapping[str, Sequence[str]]) -> ModelListQuery:
    """`/v1/models` query string → GraphQL filter/order/page. Raises `ValidationFailed`."""
    out = _Collector()
    for name in sorted(set(params) - LIST_PARAMS):
        out.add(name, "unknown query parameter", "value_error.extra")
    filter_: dict[str, Any] = {}
    for name, key in (
        ("organization", "organization"),
        ("family", "family"),
        ("modality", "modality"),
        ("provider", "provider"),
    ):
        raw = _one(params, name, out)
        if raw is not None and raw.strip():
            filter_[key] = raw.strip()
    raw = _one(params, "open_weight", out)
    if raw is not None and (flag := _parse_bool(raw, "open_weight", out)) is not None:
        filter_["openWeight"] = flag
    for name, key in (
        ("max_input_price", "inputPricePerM"),
        ("max_output_price", "outputPricePerM"),
    ):
        raw = _one(params, name, out)
        if raw is not None and (price := _parse_float(raw, name, out)) is not None:
            filter_[key] = {"max": price}
    raw = _one(params, "min_context", out)
    if raw is not None and (tokens := _parse_int(raw, "min_context", out, 0, 2**63 - 1)):
        filter_["contextWindow"] = {"min": tokens}
    # `released_after`/`released_before` are exclusive; the GraphQL range is inclusive.
    release: dict[str, str] = {}
    for name, key, step in (("released_after", "from", 1), ("released_before", "to", -1)):
        raw = _one(params, name, out)
        if raw is not None and (day := _parse_date(raw, name, out)) is not None:
            try:
                release[key] = (day + timedelta(days=step)).isoformat()
            except OverflowError:
                out.add(name, "date out of range", "value_error.range")
    if release:
        filter_["releaseDate"] = release
    raw = _one(params, "sort", out)
    order_by = _parse_sort(raw, out) if raw is not None else None
    raw = _one(params, "limit", out)
    limit = DEFAULT_LIMIT
    if raw is not None:
        limit = _parse_int(raw, "limit", out, 1, MAX_LIMIT) or DEFAULT_LIMIT
    cursor = _one(params, "cursor", out)
    out.raise_if_any()
    return ModelListQuery(filter_, order_by, cursor or None, limit)


def parse_compare_versions(params: Mapping[str, Sequence[str]]) -> list[str]:
    """`versions=a&versions=b` or `versions=a,b` (mixed too): 2 to 5 references."""
    out = _Collector()
    refs = [part.strip() for value in params.get("versions") or [] for part in value.split(",")]
    refs = [ref for ref in refs if ref]
    for name in sorted(set(params) - {"versions"}):
        out.add(name, "unknown query parameter", "value_error.extra")
    if not refs:
        out.add("versions", "field required", "missing")
    elif not MIN_COMPARE <= len(refs) <= MAX_COMPARE:
        out.add(
            "versions",
            f"compare between {MIN_COMPARE} and {MAX_COMPARE} versions (got {len(refs)})",
            "value_error.range",
        )
    out.raise_if_any()
    return refs


# --- bulk export (`/v1/export/{kind}.{format}`) ----------------------------------------------

EXPORT_QUERY = (
    QueryParam(
        "as_of",
        _DAY,
        "Rows as known at the end of this day (UTC): prices in effect then, scores dated on "
        "or before it, models released by then, versions published by then",
    ),
)


def parse_export_query(params: Mapping[str, Sequence[str]]) -> date | None:
    """The export's `as_of` day, if given. Raises `ValidationFailed`."""
    out = _Collector()
    for name in sorted(set(params) - {p.name for p in EXPORT_QUERY}):
        out.add(name, "unknown query parameter", "value_error.extra")
    raw = _one(params, "as_of", out)
    day = _parse_date(raw, "as_of", out) if raw is not None else None
    out.raise_if_any()
    return day
