"""The alias table (tier 4 of model matching), kept in aliases.json next to this module."""

from __future__ import annotations

import json
from pathlib import Path

from app.services import identity

ALIASES_FILE = Path(__file__).with_name("aliases.json")


def load_aliases(path: Path = ALIASES_FILE) -> dict[str, frozenset[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return identity.load_alias_groups(data["groups"])
