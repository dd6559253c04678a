"""The registry of importable sources: CLI name (`SOURCE`) -> parser module.

Each module exposes `SOURCE: str` and `parse(path, observed_at=None) -> ParsedSource` (pure:
it only reads the files it is given). `observed_at` (`catalog import --observed-at DATE`) dates
what the snapshot leaves undated; a date the files carry wins (see each module).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Protocol, cast

from app.importers.records import ParsedSource
from app.importers.sources import (
    epoch,
    gpt4all,
    litellm,
    llm_stats,
    lmarena,
    localai,
    open_llm_leaderboard,
    openrouter,
)


class SourceModule(Protocol):
    SOURCE: str

    def parse(self, path: Path, observed_at: date | None = None) -> ParsedSource: ...


_MODULES = (llm_stats, litellm, openrouter, epoch, lmarena, open_llm_leaderboard, localai, gpt4all)

SOURCES: dict[str, SourceModule] = {
    module.SOURCE: cast(SourceModule, module) for module in _MODULES
}
