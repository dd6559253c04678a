"""The seed pages' JSON examples and a recursive key-shape comparison for the REST tests.

The pages live outside the project (`<repo>/../shared/seeds`, override with
`CATALOG_SEED_PAGES_DIR`); tests skip with the reason where they are absent, except in CI.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.databases import in_ci

SEED_PAGES_DIR = Path(
    os.environ.get(
        "CATALOG_SEED_PAGES_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
    )
)

# Seed file prefix → the text right before its example of a successful answer.
EXAMPLE_MARKERS = {
    "000": "Example generated",
    "001": "Example",
    "002": "Example",
    "003": "A valid request URL is required to generate request examples",
    "004": "The versions object",
}

# A line ending in a value, followed by a line starting a key: the comma the page forgot.
_MISSING_COMMA = re.compile(r'("|\d|true|false|null|\]|\})(\s*\n\s*")')


def seed_example(prefix: str) -> dict[str, Any]:
    """The example object of seed page `prefix` (e.g. "003"); skips where pages are absent."""
    matches = sorted(SEED_PAGES_DIR.glob(f"{prefix}_*.txt"))
    if not matches:
        reason = f"seed page {prefix} not found in {SEED_PAGES_DIR}"
        if in_ci():
            pytest.fail(f"{reason}; CI must run the seed-shape tests")
        pytest.skip(reason)
    text = matches[0].read_text(encoding="utf-8")
    start = text.index("{", text.index(EXAMPLE_MARKERS[prefix]))
    decoder = json.JSONDecoder()
    try:
        example, _ = decoder.raw_decode(text, start)
    except json.JSONDecodeError:
        # Seed 004's example misses a comma ("repositoryName": "..." / "imagePrefix").
        example, _ = decoder.raw_decode(_MISSING_COMMA.sub(r"\1,\2", text[start:]))
    assert isinstance(example, dict)
    return example


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shape_problems(
    example: Any, actual: Any, path: str = "$", nullable: frozenset[str] = frozenset()
) -> list[str]:
    """Every key path of `example` must exist in `actual` with the same JSON type.

    Lists are compared by their first element; an example `null` accepts any value; `actual`
    may be null only at the paths in `nullable` (documented as nullable by the seed).
    """
    expected = json_type(example)
    found = json_type(actual)
    if expected == "null" or (found == "null" and path in nullable):
        return []
    if expected != found:
        return [f"{path}: expected {expected}, got {found}"]
    problems: list[str] = []
    if expected == "object":
        for key, value in example.items():
            if key not in actual:
                problems.append(f"{path}.{key}: missing")
            else:
                problems += shape_problems(value, actual[key], f"{path}.{key}", nullable)
    elif expected == "array" and example:
        if not actual:
            return [f"{path}: empty, cannot check the element shape"]
        problems += shape_problems(example[0], actual[0], f"{path}[]", nullable)
    return problems
