"""Bearer token secrets: `mcat_` + 43 url-safe characters (32 random bytes).

Only the SHA-256 of a secret is stored. The secret has 256 bits of entropy, so a fast hash is
as strong as a slow one here, and lookups stay one indexed equality.
"""

from __future__ import annotations

import hashlib
import re
import secrets

PREFIX = "mcat_"
_SHAPE = re.compile(r"^mcat_[A-Za-z0-9_-]{43}$")


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def is_well_formed(secret: str) -> bool:
    return bool(_SHAPE.match(secret))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def display_prefix(secret: str) -> str:
    """What listings show: enough to recognise a token, far too little to use it."""
    return secret[: len(PREFIX) + 6]
