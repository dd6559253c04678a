"""Typed settings read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./catalog.db"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    # Development conveniences (field suggestions in errors, GraphiQL hints).
    debug: bool = False
    seeds_dir: Path = PROJECT_ROOT / "seeds"

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            redis_url=os.environ.get("REDIS_URL") or None,
            debug=os.environ.get("CATALOG_DEBUG", "").lower() in {"1", "true", "yes"},
            seeds_dir=Path(os.environ.get("CATALOG_SEEDS_DIR", str(PROJECT_ROOT / "seeds"))),
        )
