"""Custom scalars: BigInt (64-bit integers) and JSON (free-form maps)."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from strawberry.scalars import JSON as JSON
from strawberry.types.scalar import ScalarDefinition

_MAX = 2**63 - 1


def _parse_bigint(value: Any) -> int:
    # Accept numbers and decimal strings (JavaScript clients send large values as strings).
    if isinstance(value, bool):
        raise ValueError("BigInt cannot represent a boolean")
    if isinstance(value, float) and not value.is_integer():
        raise ValueError("BigInt cannot represent a non-integer")
    number = int(value)
    if not -_MAX - 1 <= number <= _MAX:
        raise ValueError("BigInt is limited to 64-bit signed integers")
    return number


BigInt = NewType("BigInt", int)

SCALAR_MAP: dict[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description=(
            "A 64-bit signed integer (sizes, parameter counts, downloads), serialized as a "
            "JSON number; inputs may also be decimal strings."
        ),
        serialize=int,
        parse_value=_parse_bigint,
    )
}
