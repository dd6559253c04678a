"""Semantic versions (semver 2.0.0) and a byte key whose order is semver precedence.

The key lets the database order versions by precedence (`ORDER BY semver_key DESC`) with a
plain index, on SQLite (BLOB, memcmp) and PostgreSQL (bytea) alike, without collation issues.
Layout: major, minor, patch as 8-byte big-endian; then 0x01 for a release or 0x00 followed by
the prerelease identifiers (numeric: 0x01, length byte, digits; alphanumeric: 0x02, ASCII),
separated by 0x00. Build metadata does not take part in precedence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?",
    re.ASCII,  # semver digits are ASCII digits (\d would accept any Unicode digit)
)
_MAX_PART = 2**63 - 1
# The grammar as a regular expression (for documents such as /openapi.json).
PATTERN = _SEMVER.pattern


class InvalidVersion(ValueError):
    pass


@total_ordering
@dataclass(frozen=True)
class SemVer:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: tuple[str, ...] = ()

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + ".".join(self.build)
        return text

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SemVer):
            return NotImplemented
        return sort_key(self) < sort_key(other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SemVer):
            return NotImplemented
        return sort_key(self) == sort_key(other)

    def __hash__(self) -> int:
        return hash(sort_key(self))


def parse(text: str) -> SemVer:
    match = _SEMVER.fullmatch(text) if len(text) <= 100 else None
    if match is None:
        raise InvalidVersion(f"'{text[:100]}' is not a semantic version (semver 2.0.0)")
    major, minor, patch = (int(match.group(i)) for i in (1, 2, 3))
    if max(major, minor, patch) > _MAX_PART:
        raise InvalidVersion(f"'{text}' has a version number that is too large")
    prerelease = tuple(match.group(4).split(".")) if match.group(4) else ()
    build = tuple(match.group(5).split(".")) if match.group(5) else ()
    return SemVer(major, minor, patch, prerelease, build)


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except InvalidVersion:
        return False
    return True


def sort_key(version: SemVer) -> bytes:
    parts = [n.to_bytes(8, "big") for n in (version.major, version.minor, version.patch)]
    if not version.prerelease:
        return b"".join(parts) + b"\x01"
    identifiers = []
    for ident in version.prerelease:
        if ident.isdigit():
            identifiers.append(b"\x01" + bytes([min(len(ident), 255)]) + ident.encode())
        else:
            identifiers.append(b"\x02" + ident.encode())
    return b"".join(parts) + b"\x00" + b"\x00".join(identifiers)
