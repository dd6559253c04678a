"""Bounded label values: operation names come from clients, so their number is capped.

A GraphQL name is `[_A-Za-z][_0-9A-Za-z]*`; anything else a client sends as `operationName`
becomes "invalid". The first MAX_OPERATIONS distinct names a process sees keep their own label;
later ones are counted under "other" (each worker has its own cap).
"""

from __future__ import annotations

import re

MAX_OPERATIONS = 100
MAX_NAME_LENGTH = 64
OTHER = "other"
INVALID = "invalid"
_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")

_known: set[str] = set()


def operation_label(name: str | None) -> str:
    """The label for a request's operation: "" when it ran none (health, static, metrics)."""
    if name is None:
        return ""
    if name in _known:
        return name
    if len(name) > MAX_NAME_LENGTH or not _NAME.match(name):
        return INVALID
    if len(_known) >= MAX_OPERATIONS:
        return OTHER
    _known.add(name)
    return name
