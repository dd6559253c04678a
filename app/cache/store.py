"""Where cached answers live: an in-process LRU bounded in bytes, and optionally Redis.

An entry is valid only at the revision it was computed at: `get` returns it only when its
revision equals the caller's current one, so a write never has to find and delete entries (old
ones fall out of the LRU, or expire in Redis). With `REDIS_URL`, entries are also written to
Redis under a key that includes the revision, so workers share them; Redis errors only cost a
miss (the answer is computed), never an error.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from app.cache.counters import CacheCounters

logger = logging.getLogger("app.cache")

ENTRY_OVERHEAD = 200  # bytes per entry besides its body and key, for the byte cap
REDIS_PREFIX = "catalog:response:"
REDIS_TTL_SECONDS = 3600
REDIS_TIMEOUT_SECONDS = 0.25
REDIS_RETRY_SECONDS = 5.0


@dataclass
class Entry:
    revision: int
    body: bytes
    # Headers of the answer besides the per-request ones (content type, API version).
    headers: list[tuple[bytes, bytes]]
    etag: str
    # Compressed bodies, made on first demand (encoding -> bytes).
    encoded: dict[str, bytes] = field(default_factory=dict)
    # The complete header list of a plain POST answer, made on first demand (the hot path).
    post_headers: list[tuple[bytes, bytes]] | None = None

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(b) for b in self.encoded.values()) + ENTRY_OVERHEAD


class LruStore:
    def __init__(self, max_bytes: int, counters: CacheCounters) -> None:
        self.max_bytes = max_bytes
        self.counters = counters
        self._entries: OrderedDict[object, Entry] = OrderedDict()
        self._bytes = 0

    def get(self, key: object, revision: int) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.revision != revision:
            self._remove(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: object, entry: Entry) -> None:
        if entry.size > self.max_bytes:
            return
        if key in self._entries:
            self._remove(key)
        self._entries[key] = entry
        self._bytes += entry.size
        self._trim()
        self._publish()

    def grow(self, entry: Entry, encoding: str, data: bytes) -> None:
        """Keep a compressed form of an entry already in the store."""
        if encoding in entry.encoded:
            return
        entry.encoded[encoding] = data
        self._bytes += len(data)
        self._trim()
        self._publish()

    def _remove(self, key: object) -> None:
        entry = self._entries.pop(key)
        self._bytes -= entry.size

    def _trim(self) -> None:
        while self._bytes > self.max_bytes and self._entries:
            _, entry = self._entries.popitem(last=False)
            self._bytes -= entry.size
            self.counters.evictions += 1

    def _publish(self) -> None:
        self.counters.entries = len(self._entries)
        self.counters.bytes = self._bytes

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self._publish()

    def __len__(self) -> int:
        return len(self._entries)


class RedisEntries:
    """Entries shared by the workers: `<prefix><revision>:<key digest>` → the entry as JSON."""

    def __init__(self, client: Redis, namespace: str, prefix: str = REDIS_PREFIX) -> None:
        self.client = client
        # Catalogs sharing one Redis never share entries: the namespace names the database.
        self.prefix = f"{prefix}{namespace}:"
        self._down_until = 0.0

    @classmethod
    def from_url(cls, url: str, database_url: str) -> RedisEntries:
        client = Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        namespace = hashlib.sha256(database_url.encode()).hexdigest()[:16]
        return cls(client, namespace)

    def _key(self, digest: str, revision: int) -> str:
        return f"{self.prefix}{revision}:{digest}"

    def _usable(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        if self._usable():
            logger.warning("response cache: Redis unreachable (%s)", type(error).__name__)
        self._down_until = time.monotonic() + REDIS_RETRY_SECONDS

    async def get(self, digest: str, revision: int) -> Entry | None:
        if not self._usable():
            return None
        try:
            raw = await self.client.get(self._key(digest, revision))
        except (RedisError, OSError) as error:
            self._failed(error)
            return None
        if raw is None:
            return None
        try:
            value = orjson.loads(raw)
            headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in value["h"]]
            return Entry(revision, value["b"].encode(), headers, value["e"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            return None

    async def put(self, digest: str, entry: Entry) -> None:
        if not self._usable():
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in entry.headers]
        value = orjson.dumps({"b": entry.body.decode(), "h": headers, "e": entry.etag})
        try:
            await self.client.set(self._key(digest, entry.revision), value, ex=REDIS_TTL_SECONDS)
        except (RedisError, OSError) as error:
            self._failed(error)

    async def aclose(self) -> None:
        await self.client.aclose()
