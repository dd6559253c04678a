"""Custom scalars: BigInt (64-bit integers) and JSON (free-form maps)."""

from __future__ import annotations

import math
import re
from typing import Any, NewType

import strawberry
from strawberry.scalars import JSON as JSON
from strawberry.types.scalar import ScalarDefinition

_MAX = 2**63 - 1
_DECIMAL = re.compile(r"-?[0-9]+")


def _parse_bigint(value: Any) -> int:
    """A number, or a decimal string (JavaScript clients send large values as strings): ASCII
    digits with an optional leading minus, within 64 bits. Anything else is the client's
    mistake (graphql-core reports it as an invalid value, an `invalid_request`)."""
    if isinstance(value, bool):
        raise ValueError("BigInt cannot represent a boolean")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError("BigInt cannot represent a non-integer")
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str):
        if len(value) > 40 or not _DECIMAL.fullmatch(value):
            raise ValueError("BigInt strings must be decimal integers")
        number = int(value)
    else:
        raise ValueError("BigInt must be an integer")
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
