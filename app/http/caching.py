"""HTTP caching of GET answers: a strong `ETag` of the body, `Cache-Control`, 304s.

The ETag is a digest of the response body, so it stays valid as long as the answer is the
same (a write elsewhere in the catalog does not change it) and it works with the response cache
off. `Cache-Control` is `public, max-age=N` (`CATALOG_HTTP_MAX_AGE`, default 0: shared caches
may keep the answer but must revalidate it) for anonymous callers and `private, no-cache` with
a token (never kept by a shared cache). `Vary` names what changes the answer besides the URL.
"""

from __future__ import annotations

import hashlib

VARY = "Accept, Accept-Encoding, Authorization"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def cache_control(anonymous: bool, max_age: int) -> str:
    return f"public, max-age={max_age}" if anonymous else "private, no-cache"


def matches(if_none_match: str | None, etag: str) -> bool:
    """`If-None-Match` (weak comparison, as RFC 9110 asks for it) against our ETag."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in if_none_match.split(","))
