"""Refuses NUL characters in a request's strings before anything runs.

PostgreSQL text cannot hold U+0000, so a NUL in an argument would otherwise surface as a database
error (an `internal_error`) on one backend and be stored on the other. It is the client's input,
so it gets the same `invalid_request` answer everywhere, and no SQL runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from app.errors import InvalidRequest

NUL = "\x00"


def nul_paths(value: Any, path: str) -> Iterator[str]:
    """Where a NUL occurs inside a JSON-like value (keys included)."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, child in value.items():
            if NUL in str(key):
                yield f"{path}.<key>"
            yield from nul_paths(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from nul_paths(child, f"{path}[{index}]")


class _StringLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if NUL in node.value:
            self.found.append(node)


def _may_hold_nul(query: str | None) -> bool:
    """Whether the text can have a NUL string literal (raw, or the `\\u0000` escape): the
    document walk is skipped for the many that cannot."""
    if query is None:
        return True  # a document given without its text
    return NUL in query or "\\u0000" in query.lower() or "\\u{" in query.lower()


class RejectNulCharacters(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        where = list(nul_paths(context.variables or {}, "variables"))
        if context.graphql_document is not None and _may_hold_nul(context.query):
            literals = _StringLiterals()
            visit(context.graphql_document, literals)
            where += [
                f"string at line {loc.line}, column {loc.column}"
                for node in literals.found
                if node.loc is not None
                for loc in [node.loc.source.get_location(node.loc.start)]
            ]
        if where:
            problem = InvalidRequest(f"NUL characters are not allowed: {', '.join(where)}")
            context.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(problem.detail, original_error=problem)]
            )
        yield
