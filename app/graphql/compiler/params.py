"""A request's parameter values, named in the order the compiler meets them."""

from __future__ import annotations

from typing import Any


class Params:
    """Names are `p0`, `p1`, ... in order of `add`, so that the same selection shape names
    its parameters the same way on every request (and one cached statement serves them)."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any, _type: Any = None) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return name
