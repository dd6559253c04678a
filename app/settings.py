"""Typed settings read from the environment."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from app import settings_ops
from app.events.settings import EventSettings

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./catalog.db"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_RATE_LIMIT = 1200  # requests per minute per client


def _rate_limit(value: str | None) -> int:
    if value is None or not value.strip():
        return DEFAULT_RATE_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise ValueError(f"CATALOG_RATE_LIMIT must be a whole number, got {value!r}") from None
    if limit < 0:
        raise ValueError(f"CATALOG_RATE_LIMIT must be 0 (off) or more, got {limit}")
    return limit


def _trusted_proxies(value: str | None) -> tuple[str, ...]:
    """`CATALOG_TRUSTED_PROXIES`: comma-separated IP addresses or CIDR networks; default none."""
    if value is None or not value.strip():
        return ()
    proxies = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ValueError(
                f"CATALOG_TRUSTED_PROXIES: {item!r} is not an IP address or a CIDR network "
                "(e.g. 10.0.0.5 or 10.0.0.0/8)"
            ) from None
        proxies.append(item)
    return tuple(proxies)


def _on_off(name: str, value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "on", "true", "yes"}:
        return True
    if lowered in {"0", "off", "false", "no"}:
        return False
    raise ValueError(f"{name} must be on or off, got {value!r}")


def _count(name: str, value: str | None, default: int) -> int:
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must be 0 or more, got {number}")
    return number


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    # Requests per minute per client (token, else IP) on /graphql and the REST routes; 0 = off.
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT
    # Development conveniences (field suggestions in errors, GraphiQL hints).
    debug: bool = False
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    # One log line per request (app/observability/middleware.py); off by default for
    # throughput (about 30 µs a request: a third of a cached answer), CATALOG_ACCESS_LOG=1.
    access_log: bool = False
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs); none by default.
    trusted_proxies: tuple[str, ...] = ()
    # The response cache (app/cache/). On for `catalog serve` unless CATALOG_RESPONSE_CACHE=off;
    # off for Settings built in code (tests opt in), so statement counts stay observable.
    response_cache: bool = False
    response_cache_bytes: int = 64 * 1024 * 1024
    # Cache-Control max-age of anonymous GET answers (0: revalidate with the ETag every time).
    http_max_age: int = 0
    compress_min_bytes: int = 1024
    # A directory of trusted documents (*.graphql); anonymous callers limited to them or not.
    trusted_documents: Path | None = None
    anonymous_trusted_only: bool = False
    # Origins whose pages may call the API (CORS); none by default, ("*",) for any.
    cors_origins: tuple[str, ...] = ()
    # `text` or `json` log lines (`catalog serve`).
    log_format: str = "text"
    # Subscriptions and webhooks (app/events/settings.py).
    events: EventSettings = field(default_factory=EventSettings)
    # Compiled operations (app/graphql/compiler): `CATALOG_COMPILER=off` serves every
    # operation through the resolvers.
    compiler: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            redis_url=os.environ.get("REDIS_URL") or None,
            rate_limit_per_minute=_rate_limit(os.environ.get("CATALOG_RATE_LIMIT")),
            debug=os.environ.get("CATALOG_DEBUG", "").lower() in {"1", "true", "yes"},
            seeds_dir=Path(os.environ.get("CATALOG_SEEDS_DIR", str(PROJECT_ROOT / "seeds"))),
            access_log=settings_ops.switch(
                "CATALOG_ACCESS_LOG", os.environ.get("CATALOG_ACCESS_LOG"), cls.access_log
            ),
            trusted_proxies=_trusted_proxies(os.environ.get("CATALOG_TRUSTED_PROXIES")),
            response_cache=_on_off(
                "CATALOG_RESPONSE_CACHE", os.environ.get("CATALOG_RESPONSE_CACHE"), True
            ),
            response_cache_bytes=_count(
                "CATALOG_RESPONSE_CACHE_BYTES",
                os.environ.get("CATALOG_RESPONSE_CACHE_BYTES"),
                64 * 1024 * 1024,
            ),
            http_max_age=_count("CATALOG_HTTP_MAX_AGE", os.environ.get("CATALOG_HTTP_MAX_AGE"), 0),
            compress_min_bytes=_count(
                "CATALOG_COMPRESS_MIN_BYTES", os.environ.get("CATALOG_COMPRESS_MIN_BYTES"), 1024
            ),
            trusted_documents=Path(os.environ["CATALOG_TRUSTED_DOCUMENTS"])
            if os.environ.get("CATALOG_TRUSTED_DOCUMENTS")
            else None,
            anonymous_trusted_only=_on_off(
                "CATALOG_ANONYMOUS_TRUSTED_ONLY",
                os.environ.get("CATALOG_ANONYMOUS_TRUSTED_ONLY"),
                False,
            ),
            cors_origins=settings_ops.cors_origins(os.environ.get("CATALOG_CORS_ORIGINS")),
            log_format=settings_ops.log_format(os.environ.get("CATALOG_LOG_FORMAT")),
            events=EventSettings.from_env(),
            compiler=os.environ.get("CATALOG_COMPILER", "on").lower() not in {"off", "0", "false"},
        )
