"""The registry of importable sources: CLI name (`SOURCE`) -> parser module.

Each module exposes `SOURCE: str` and `parse(path) -> ParsedSource`. Modules are imported by
name, and a module that is not installed is simply absent from the registry.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Protocol, cast

from app.importers.records import ParsedSource

MODULES = (
    "llm_stats",
    "litellm",
    "openrouter",
    "epoch",
    "lmarena",
    "open_llm_leaderboard",
    "localai",
    "gpt4all",
)


class SourceModule(Protocol):
    SOURCE: str

    def parse(self, path: Path) -> ParsedSource: ...


def _load() -> dict[str, SourceModule]:
    found: dict[str, SourceModule] = {}
    for name in MODULES:
        try:
            module: ModuleType = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise  # the module exists but one of its imports is missing: a real error
            continue
        source = cast(SourceModule, module)
        found[source.SOURCE] = source
    return found


SOURCES: dict[str, SourceModule] = _load()
