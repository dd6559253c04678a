"""Persisted operations: Apollo's automatic persisted queries (APQ) and trusted documents.

APQ (`extensions.persistedQuery = {version: 1, sha256Hash}`, POST or GET): a request with the
hash and the query registers the query under its hash, after checking that the hash is the
SHA-256 of the query text (a mismatch is refused); a request with the hash alone runs the
registered query, or is answered with the error Apollo's PersistedQueryLink recovers from
(message `PersistedQueryNotFound`, `extensions.type = persisted_query_not_found`) so that the
client sends the query again. Registered queries are per worker process, bounded.

Trusted documents: every `*.graphql` file of `CATALOG_TRUSTED_DOCUMENTS` (a directory), loaded
at start, is one document, known by the SHA-256 of its text (runnable by hash alone, like a
registered APQ query) and by the digest of its normalized form (app/cache/policy.py). With
`CATALOG_ANONYMOUS_TRUSTED_ONLY=1` anonymous callers may run only trusted documents.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, parse

from app.cache.policy import describe, sha256_hex
from app.errors import CatalogError, InvalidRequest

MAX_REGISTERED = 5_000
MAX_REGISTERED_CHARS = 8 * 1024 * 1024  # the registered texts, all together
MAX_QUERY_CHARS = 64 * 1024
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"


class PersistedQueryNotFound(CatalogError):
    """An APQ hash this worker does not know: the client sends the query with it again."""

    type = "persisted_query_not_found"
    code = 404


class UntrustedDocument(CatalogError):
    type = "permission_denied"
    code = 403


@dataclass(frozen=True)
class TrustedDocument:
    path: Path
    text: str
    sha256: str  # of the file's text: what a client sends as the hash
    digest: str  # of the normalized document: matches the same text written another way
    operations: tuple[str, ...]


class TrustedDocumentError(ValueError):
    """A trusted documents directory that cannot be used (missing, a file that does not parse)."""


def load_trusted(directory: Path | None) -> dict[str, TrustedDocument]:
    """Trusted documents by their text's SHA-256; {} without a directory."""
    if directory is None:
        return {}
    if not directory.is_dir():
        raise TrustedDocumentError(f"CATALOG_TRUSTED_DOCUMENTS: {directory} is not a directory")
    documents: dict[str, TrustedDocument] = {}
    for path in sorted(directory.glob("*.graphql")):
        text = path.read_text(encoding="utf-8")
        try:
            document = parse(text)
        except GraphQLError as error:
            raise TrustedDocumentError(
                f"CATALOG_TRUSTED_DOCUMENTS: {path.name} does not parse: {error.message}"
            ) from None
        names = tuple(
            d.name.value if d.name else "(anonymous)"
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        )
        sha = sha256_hex(text)
        documents[sha] = TrustedDocument(path, text, sha, describe(document).digest, names)
    return documents


class PersistedQueries:
    def __init__(self, trusted: dict[str, TrustedDocument] | None = None) -> None:
        self.trusted = trusted or {}
        self.trusted_digests = frozenset(d.digest for d in self.trusted.values())
        self._registered: OrderedDict[str, str] = OrderedDict()
        self._chars = 0

    def resolve(self, query: object, extensions: object) -> str | None:
        """The query text to run (None: the request names none); raises when the persisted
        query is unknown, its hash does not match, or the extension is malformed."""
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        if persisted is None:
            return query if isinstance(query, str) else None
        sha = _hash_of(persisted)
        if isinstance(query, str):
            if sha256_hex(query) != sha:
                raise InvalidRequest(
                    "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query"
                )
            if len(query) <= MAX_QUERY_CHARS and sha not in self.trusted:
                self._register(sha, query)
            return query
        if query is not None:
            return None  # a non-string query: the view refuses it
        trusted = self.trusted.get(sha)
        if trusted is not None:
            return trusted.text
        known = self._registered.get(sha)
        if known is None:
            raise PersistedQueryNotFound(NOT_FOUND_MESSAGE)
        self._registered.move_to_end(sha)
        return known

    def _register(self, sha: str, query: str) -> None:
        if sha in self._registered:
            self._registered.move_to_end(sha)
            return
        self._registered[sha] = query
        self._chars += len(query)
        while len(self._registered) > MAX_REGISTERED or self._chars > MAX_REGISTERED_CHARS:
            _, dropped = self._registered.popitem(last=False)
            self._chars -= len(dropped)

    def is_trusted(self, digest: str) -> bool:
        return digest in self.trusted_digests


def _hash_of(persisted: Any) -> str:
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise InvalidRequest("extensions.persistedQuery must be {version: 1, sha256Hash}")
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or len(sha) != 64:
        raise InvalidRequest("extensions.persistedQuery.sha256Hash must be 64 hex digits")
    return sha.lower()
