"""The Relay `Node` interface and opaque global ids ("Type:pk", base64)."""

from __future__ import annotations

import base64
import binascii
import re

import strawberry

from app.errors import InvalidRequest


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Globally unique, opaque id: pass it to `node(id:)` to fetch the object again."
    )


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.b64encode(f"{type_name}:{pk}".encode()).decode())


# Primary keys are PostgreSQL `integer`s: a larger number is no object's and never reaches SQL.
MAX_PK = 2**31 - 1
# The only spelling `to_global_id` makes: ASCII decimal, no sign, no leading zeros, no spaces
# (`int()` would also take "+01", " 1", "1_0" and other scripts' digits).
_CANONICAL_PK = re.compile(r"0|[1-9][0-9]{0,9}")
_TYPE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,63}")
MAX_GLOBAL_ID_LENGTH = 200


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key) of an id made by `to_global_id`; anything else, including a
    non-canonical spelling of a valid id or a number beyond MAX_PK, is `invalid_request`."""
    shown = global_id[:100]
    try:
        if len(global_id) > MAX_GLOBAL_ID_LENGTH:
            raise ValueError("too long")
        raw = base64.b64decode(global_id.encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise InvalidRequest(f"Malformed global id '{shown}'") from exc
    type_name, _, raw_pk = raw.partition(":")
    if not _TYPE_NAME.fullmatch(type_name) or not _CANONICAL_PK.fullmatch(raw_pk):
        raise InvalidRequest(f"Malformed global id '{shown}'")
    pk = int(raw_pk)
    if pk > MAX_PK:
        raise InvalidRequest(f"Malformed global id '{shown}': its number is out of range")
    return type_name, pk
