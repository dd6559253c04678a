"""Helpers for the importer tests: the shared datasets, running an import, counting rows."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.base import Base
from app.db.engine import create_sessionmaker
from app.importers import run
from app.importers.report import ImportReport
from app.settings import PROJECT_ROOT
from tests.databases import in_ci


def datasets_dir() -> Path:
    """`<repo>/../shared/datasets`, or $CATALOG_DATASETS_DIR; skips (fails in CI) if absent."""
    path = Path(os.environ.get("CATALOG_DATASETS_DIR") or PROJECT_ROOT.parent / "shared/datasets")
    if not (path / "llm-stats").is_dir():
        reason = f"the shared datasets are not at {path} (set CATALOG_DATASETS_DIR)"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return path


LITELLM_2025 = "litellm/2025-10-16/model_prices_and_context_window.json"
LITELLM_2026 = "litellm/2026-07-24/model_prices_and_context_window.json"
OPENROUTER = "openrouter/data/history/2026-08-01/openrouter_models.json"


async def import_(
    engine: AsyncEngine, source: str, path: Path, observed_at: date | None = None
) -> ImportReport:
    return await run.import_source(
        create_sessionmaker(engine), source, path, observed_at=observed_at
    )


async def row_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: await connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


async def scalar(engine: AsyncEngine, stmt: Any) -> Any:
    async with engine.connect() as connection:
        return await connection.scalar(stmt)


async def rows(engine: AsyncEngine, stmt: Any) -> list[Any]:
    async with engine.connect() as connection:
        return list((await connection.execute(stmt)).all())


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
