"""Parsing of the operations settings (CORS origins, log format, request log); pure functions."""

from __future__ import annotations

from urllib.parse import urlsplit

LOG_FORMATS = ("text", "json")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def cors_origins(value: str | None) -> tuple[str, ...]:
    """`CATALOG_CORS_ORIGINS`: comma-separated origins (`https://app.example.com`,
    `http://localhost:3000`), or `*` alone for any origin; default none (no CORS)."""
    if value is None or not value.strip():
        return ()
    items = [item.strip() for item in value.split(",") if item.strip()]
    if "*" in items:
        if len(items) > 1:
            raise ValueError("CATALOG_CORS_ORIGINS: `*` allows every origin; use it alone")
        return ("*",)
    origins = []
    for item in items:
        parts = urlsplit(item)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ValueError(
                f"CATALOG_CORS_ORIGINS: {item!r} is not an origin (scheme://host[:port], "
                "e.g. https://app.example.com or http://localhost:3000)"
            )
        origins.append(f"{parts.scheme}://{parts.netloc.lower()}")
    return tuple(origins)


def log_format(value: str | None) -> str:
    """`CATALOG_LOG_FORMAT`: `text` (default) or `json`."""
    chosen = (value or "text").strip().lower() or "text"
    if chosen not in LOG_FORMATS:
        raise ValueError(f"CATALOG_LOG_FORMAT must be text or json, got {value!r}")
    return chosen


def switch(name: str, value: str | None, default: bool) -> bool:
    """An on/off variable: 1/true/yes/on or 0/false/no/off; unset or empty is the default."""
    if value is None or not value.strip():
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ValueError(f"{name} must be 1 or 0, got {value!r}")
