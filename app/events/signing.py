"""Webhook signatures: HMAC-SHA256 over the timestamp and the body (pure functions).

A delivery carries `X-Catalog-Signature: t=<unix seconds>,v1=<hex digest>`, where the digest
is HMAC-SHA256 with the webhook's secret over `<t>.<raw body>`. A receiver recomputes it,
compares in constant time and refuses a `t` further than the replay window from its clock.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Catalog-Signature"
REPLAY_WINDOW_SECONDS = 300


def digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={digest(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    now: float,
    window: float = REPLAY_WINDOW_SECONDS,
) -> bool:
    """True when `header` signs `body` with `secret` and its time is within the window."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > window:
        return False
    expected = digest(secret, timestamp, body)
    return any(
        hmac.compare_digest(expected, value.strip())
        for key, value in (item.split("=", 1) for item in header.split(",") if "=" in item)
        if key.strip() == "v1"
    )
