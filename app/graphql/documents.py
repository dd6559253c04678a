"""Parsed documents by their text, so that a query asked again is not parsed or validated again.

A document is not user data (the same text means the same thing for every caller), so one
cache serves the whole process. It is bounded by entries and by text size: unique documents
from a client cannot grow memory without limit.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode

MAX_DOCUMENTS = 1_000
MAX_DOCUMENT_CHARS = 64 * 1024


@dataclass
class PreparedDocument:
    document: DocumentNode
    # The validation rules the document passed (None: not validated yet, or it failed).
    valid_under: tuple[Any, ...] | None = None


class DocumentCache:
    def __init__(self, max_entries: int = MAX_DOCUMENTS) -> None:
        self._entries: OrderedDict[str, PreparedDocument] = OrderedDict()
        self._max_entries = max_entries
        # Plain counts for /metrics (app/observability/caches.py copies them).
        self.hits = 0
        self.misses = 0

    def get(self, text: str) -> PreparedDocument | None:
        prepared = self._entries.get(text)
        if prepared is not None:
            self.hits += 1
            self._entries.move_to_end(text)
        else:
            self.misses += 1
        return prepared

    def counts(self) -> tuple[int, int]:
        return self.hits, self.misses

    def put(self, text: str, document: DocumentNode) -> PreparedDocument | None:
        """Remember a freshly parsed document; None (not kept) for oversized texts."""
        if len(text) > MAX_DOCUMENT_CHARS:
            return None
        prepared = PreparedDocument(document)
        self._entries[text] = prepared
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return prepared

    def __len__(self) -> int:
        return len(self._entries)


documents = DocumentCache()
