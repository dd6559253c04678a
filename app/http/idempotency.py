"""Safe retries: a mutation sent with an `Idempotency-Key` header is run at most once.

The key is scoped to the bearer token. Rules (also in the README, "Safe retries"):
- The key row is the first thing each write transaction of the request inserts, so it is
  committed exactly when the request's first write is (a crash or a lost connection cannot
  separate them). The unique (token, key) constraint makes a concurrent duplicate fail on that
  insert: its transaction rolls back, nothing of it is written, and it answers 409.
- Once the operation has run, its response (status, media type, body) is kept with the key for
  24 hours and replayed, byte for byte, to a retry with the same body (`Idempotent-Replayed:
  true`); the retry runs nothing.
- The same key with a different body is a `validation_error` (422). A key whose request has
  not finished (or whose response could not be kept) answers 409 and is never run again.
- A request that wrote nothing (a query, a refused input) keeps no key: retrying it runs it
  again, which is harmless. Anonymous callers cannot write: their key is ignored.
- Expired keys are purged by the next keyed write.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction
from starlette.requests import Request
from starlette.responses import Response

from app.auth import ANONYMOUS, Viewer
from app.db.base import utcnow
from app.db.failures import upstream_error
from app.errors import AlreadyExists, FieldError, ValidationFailed
from app.http.request_id import request_id_of
from app.http.responses import error_response
from app.repositories import idempotency_keys

logger = logging.getLogger("app.http")

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"

IN_PROGRESS = (
    "A request with this Idempotency-Key was accepted and has not finished (or its response "
    "could not be kept); it is not run again"
)
OTHER_BODY = "This Idempotency-Key was already used with a different request body"


class KeyInProgress(AlreadyExists):
    """409: the key belongs to a request that has not finished (or a concurrent duplicate)."""


def check_key(value: str) -> str:
    """1 to 255 visible ASCII characters (a UUID is the usual choice)."""
    if not 1 <= len(value) <= MAX_KEY_LENGTH or not all("!" <= ch <= "~" for ch in value):
        raise ValidationFailed(
            "Invalid Idempotency-Key",
            [
                FieldError(
                    ("header", HEADER),
                    f"must be 1 to {MAX_KEY_LENGTH} visible ASCII characters",
                    "value_error",
                )
            ],
        )
    return value


def request_hash(path: str, body: bytes) -> str:
    """What "the same request" means: the same path and the same JSON body, whatever its key
    order or spacing (a body that is not JSON: the same bytes)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
        data = canonical.encode("utf-8", "surrogatepass")
    except (ValueError, RecursionError):
        data = body
    return hashlib.sha256(path.encode() + b"\n" + data).hexdigest()


@dataclass
class Guard:
    """One keyed request: claims its key in the first write transaction that runs."""

    token_id: int
    key: str
    request_hash: str
    claimed: bool = False  # the key row is committed
    _inserted: bool = False  # inserted in the transaction now open

    def attach(self, session: AsyncSession) -> None:
        event.listen(session.sync_session, "after_begin", self._after_begin)
        event.listen(session.sync_session, "after_commit", self._after_commit)
        event.listen(session.sync_session, "after_rollback", self._after_rollback)

    def _after_begin(self, _session: Session, _tx: SessionTransaction, connection: Any) -> None:
        if self.claimed or self._inserted:
            return
        now = utcnow()
        try:
            idempotency_keys.claim(
                connection, self.token_id, self.key, self.request_hash, now, now + KEEP_FOR
            )
        except IntegrityError as exc:
            # A concurrent request with this key committed first: this one writes nothing.
            raise KeyInProgress(IN_PROGRESS) from exc
        self._inserted = True

    def _after_commit(self, _session: Session) -> None:
        if self._inserted:
            self.claimed, self._inserted = True, False

    def _after_rollback(self, _session: Session) -> None:
        self._inserted = False


class _ClaimingSessions(async_sessionmaker[AsyncSession]):
    """The request's write sessions: each one claims the key when its transaction begins."""

    def __init__(self, base: async_sessionmaker[AsyncSession], guard: Guard) -> None:
        super().__init__(class_=base.class_, **base.kw)
        self.guard = guard

    def __call__(self, **local_kw: Any) -> AsyncSession:
        session = super().__call__(**local_kw)
        self.guard.attach(session)
        return session


def write_sessions(
    request: Any, writes: async_sessionmaker[AsyncSession]
) -> async_sessionmaker[AsyncSession]:
    """The write sessions a request's mutations use (claiming its key, if it has one)."""
    guard: Guard | None = getattr(getattr(request, "state", None), "idempotency", None)
    return writes if guard is None else _ClaimingSessions(writes, guard)


async def around(
    request: Request,
    reads: async_sessionmaker[AsyncSession],
    writes: async_sessionmaker[AsyncSession],
    run: Callable[[Request], Awaitable[Response]],
) -> Response:
    """Runs the request (`run`) under its `Idempotency-Key`, or replays its kept response."""
    raw_key = request.headers.get(HEADER)
    viewer: Viewer = getattr(request.state, "viewer", ANONYMOUS)
    if raw_key is None or request.method != "POST" or viewer.token_id is None:
        return await run(request)
    request_id = getattr(request.state, "request_id", None) or request_id_of(request)
    try:
        key = check_key(raw_key)
        digest = request_hash(request.url.path, await request.body())
        kept = await _find(reads, viewer.token_id, key)
    except (ValidationFailed, KeyInProgress) as error:
        return error_response(error, request_id)
    except Exception as unexpected:
        failure = upstream_error(unexpected)
        if failure is None:
            raise
        logger.error("idempotency key lookup failed (request %s)", request_id, exc_info=True)
        return error_response(failure, request_id)
    if kept is not None and kept.expires_at > utcnow():
        if kept.request_hash != digest:
            return error_response(ValidationFailed(OTHER_BODY), request_id)
        if kept.status_code is None or kept.body is None:
            return error_response(KeyInProgress(IN_PROGRESS), request_id)
        return _replay(kept, request_id)
    guard = Guard(viewer.token_id, key, digest)
    request.state.idempotency = guard
    response = await run(request)
    if guard.claimed:
        await _keep(writes, guard, response, request_id)
    return response


async def _find(
    reads: async_sessionmaker[AsyncSession], token_id: int, key: str
) -> idempotency_keys.KeptRequest | None:
    async with reads() as session, session.begin():
        return await idempotency_keys.find(session, token_id, key)


async def _keep(
    writes: async_sessionmaker[AsyncSession], guard: Guard, response: Response, request_id: str
) -> None:
    """Keeps the response before it is sent: a client that never reads it can retry."""
    media_type = response.headers.get("content-type", "application/json")
    try:
        async with writes() as session, session.begin():
            await idempotency_keys.keep_response(
                session,
                guard.token_id,
                guard.key,
                response.status_code,
                media_type,
                bytes(response.body),
            )
    except Exception:
        # The write is committed; its key stays "not finished" (409 to a retry, never re-run).
        logger.error("idempotency: response not kept (request %s)", request_id, exc_info=True)


def _replay(kept: idempotency_keys.KeptRequest, request_id: str) -> Response:
    response = Response(content=kept.body, status_code=kept.status_code or 200)
    response.headers["content-type"] = kept.media_type or "application/json"
    response.headers["X-Request-ID"] = request_id
    response.headers[REPLAYED_HEADER] = "true"
    return response
