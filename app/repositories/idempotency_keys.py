"""The `idempotency_keys` table (see app/http/idempotency.py for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import IdempotencyKeyRow as Keys


@dataclass(frozen=True)
class KeptRequest:
    """A key already used: the request it was used for and, once finished, its response."""

    request_hash: str
    expires_at: datetime
    status_code: int | None
    media_type: str | None
    body: bytes | None


async def find(session: AsyncSession, token_id: int, key: str) -> KeptRequest | None:
    stmt = select(
        Keys.request_hash, Keys.expires_at, Keys.status_code, Keys.media_type, Keys.response_body
    ).where(Keys.token_id == token_id, Keys.key == key)
    row = (await session.execute(stmt)).first()
    return None if row is None else KeptRequest(*row)


def claim(
    connection: Connection,
    token_id: int,
    key: str,
    request_hash: str,
    now: datetime,
    expires_at: datetime,
) -> None:
    """Purge expired keys, then insert this one (a duplicate raises IntegrityError). Runs on
    the write transaction's connection, as its first statements (synchronous: a session event)."""
    connection.execute(delete(Keys).where(Keys.expires_at <= now))
    connection.execute(
        insert(Keys).values(
            token_id=token_id,
            key=key,
            request_hash=request_hash,
            created_at=now,
            expires_at=expires_at,
        )
    )


async def keep_response(
    session: AsyncSession, token_id: int, key: str, status: int, media_type: str, body: bytes
) -> None:
    await session.execute(
        update(Keys)
        .where(Keys.token_id == token_id, Keys.key == key)
        .values(status_code=status, media_type=media_type, response_body=body)
    )
