"""Typed settings read from the environment."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    # Requests per minute per client (token, else IP) on /graphql and the REST routes; 0 = off.
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT
    # Development conveniences (field suggestions in errors, GraphiQL hints).
    debug: bool = False
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    # uvicorn's access log (one line per request); off by default, it costs throughput.
    access_log: bool = False
    # Peers whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs); none by default.
    trusted_proxies: tuple[str, ...] = ()
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
            access_log=os.environ.get("CATALOG_ACCESS_LOG", "").lower() in {"1", "true", "yes"},
            trusted_proxies=_trusted_proxies(os.environ.get("CATALOG_TRUSTED_PROXIES")),
            compiler=os.environ.get("CATALOG_COMPILER", "on").lower() not in {"off", "0", "false"},
        )
