"""The Relay `Node` interface and opaque global ids ("Type:pk", base64)."""

from __future__ import annotations

import base64
import binascii

import strawberry

from app.errors import InvalidRequest


@strawberry.interface(description="An object with a globally unique, opaque id.")
class Node:
    id: strawberry.ID


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.b64encode(f"{type_name}:{pk}".encode()).decode())


def from_global_id(global_id: str) -> tuple[str, int]:
    try:
        type_name, _, raw_pk = base64.b64decode(global_id, validate=True).decode().partition(":")
        pk = int(raw_pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequest(f"Malformed global id '{global_id[:100]}'") from exc
    if not type_name:
        raise InvalidRequest(f"Malformed global id '{global_id[:100]}'")
    return type_name, pk
