"""Alias names: `[a-z0-9][a-z0-9._-]{0,49}` that are not themselves versions."""

from __future__ import annotations

import re

from app.services import semver

_ALIAS = re.compile(r"[a-z0-9][a-z0-9._-]{0,49}")
PATTERN = _ALIAS.pattern


def is_valid_alias(name: str) -> bool:
    return bool(_ALIAS.fullmatch(name)) and not semver.is_valid(name)
