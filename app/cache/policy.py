"""What may be cached, decided from the document alone (pure functions, no I/O).

A document is known by the SHA-256 of its normalized text (graphql-core's `print_ast`: the same
operation written with other spacing, commas or comments is one document). An operation may be
cached when it is a query whose root selections (through fragments) name none of
`UNCACHEABLE_ROOT_FIELDS`:

- `viewer`: it describes the token itself (its id, role), not the catalog scope;
- `auditLog`: who changed what is read where it is written, never from a cache;
- `webhooks`, `webhook`: their delivery logs change with every attempt, outside any catalog
  write (the revision does not cover them).

Mutations are never cached. Responses with errors are never stored (decided from the body).
No read field depends on the clock (`aliasAt` takes its instant as an argument), so the
catalog revision covers every cached answer.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
    print_ast,
)

UNCACHEABLE_ROOT_FIELDS = frozenset({"viewer", "auditLog", "webhooks", "webhook"})
MAX_KNOWN_DOCUMENTS = 2_000
MAX_KNOWN_CHARS = 8 * 1024 * 1024  # the texts kept, all together
MAX_DOCUMENT_CHARS = 64 * 1024


@dataclass(frozen=True)
class DocumentInfo:
    digest: str  # SHA-256 of the normalized document
    # Operation name (None for the single anonymous one) -> (is a mutation, may be cached).
    operations: dict[str | None, tuple[bool, bool]]

    def operation(self, name: str | None) -> tuple[bool, bool] | None:
        """(is a mutation, may be cached) of the operation a request names; None if unknown."""
        if name is None and len(self.operations) == 1:
            return next(iter(self.operations.values()))
        return self.operations.get(name) if name is not None else None


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _root_fields(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    seen: set[str],
) -> set[str]:
    names: set[str] = set()
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            names |= _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            seen.add(name)
            names |= _root_fields(fragments[name].selection_set, fragments, seen)
    return names


def describe(document: DocumentNode) -> DocumentInfo:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations: dict[str | None, tuple[bool, bool]] = {}
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        name = definition.name.value if definition.name else None
        mutation = definition.operation == OperationType.MUTATION
        cacheable = definition.operation == OperationType.QUERY and not (
            _root_fields(definition.selection_set, fragments, set()) & UNCACHEABLE_ROOT_FIELDS
        )
        operations[name] = (mutation, cacheable)
    return DocumentInfo(sha256_hex(print_ast(document)), operations)


class KnownDocuments:
    """Query text -> DocumentInfo, parsed once per text (bounded; a text that does not parse
    is remembered as None)."""

    def __init__(
        self, max_entries: int = MAX_KNOWN_DOCUMENTS, max_chars: int = MAX_KNOWN_CHARS
    ) -> None:
        self._entries: OrderedDict[str, DocumentInfo | None] = OrderedDict()
        self._max_entries = max_entries
        self._max_chars = max_chars
        self._chars = 0

    def get(self, text: str) -> DocumentInfo | None:
        try:
            info = self._entries[text]
        except KeyError:
            pass
        else:
            self._entries.move_to_end(text)
            return info
        if len(text) > MAX_DOCUMENT_CHARS:
            return None
        try:
            info = describe(parse(text))
        except (GraphQLError, RecursionError):
            info = None
        self._entries[text] = info
        self._chars += len(text)
        while len(self._entries) > self._max_entries or self._chars > self._max_chars:
            dropped, _ = self._entries.popitem(last=False)
            self._chars -= len(dropped)
        return info
