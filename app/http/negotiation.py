"""Content negotiation of GraphQL over HTTP: the response media type for an `Accept` header."""

from __future__ import annotations

from app.errors import HTTPRefusal

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


def negotiate(accept: str | None) -> str:
    """The response media type for an `Accept` header (GraphQL over HTTP).

    `application/graphql-response+json` when the client accepts it (preferred on a tie),
    else `application/json` (also for a missing header, `*/*` and `application/*`).
    """
    if not accept or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            candidate = (quality, 1, GRAPHQL_RESPONSE_JSON)
        elif media in (JSON, "application/*", "*/*"):
            candidate = (quality, 0, JSON)
        else:
            continue
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        raise HTTPRefusal(
            f"Not acceptable: this endpoint answers {GRAPHQL_RESPONSE_JSON} or {JSON}", 406
        )
    return best[2]
