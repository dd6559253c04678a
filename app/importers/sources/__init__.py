"""The registry of importable sources: CLI name (`SOURCE`) -> parser module.

Each module exposes `SOURCE: str` and `parse(path) -> ParsedSource` (pure: it only reads the
files it is given).
"""

from __future__ import annotations

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

    def parse(self, path: Path) -> ParsedSource: ...


_MODULES = (llm_stats, litellm, openrouter, epoch, lmarena, open_llm_leaderboard, localai, gpt4all)

SOURCES: dict[str, SourceModule] = {
    module.SOURCE: cast(SourceModule, module) for module in _MODULES
}
