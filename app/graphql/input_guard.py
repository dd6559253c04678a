"""Refuses NUL characters and over-long text in a request's arguments before anything runs.

PostgreSQL text cannot hold U+0000, so a NUL in an argument would otherwise surface as a database
error (an `internal_error`) on one backend and be stored on the other. It is the client's input,
so it gets the same `invalid_request` answer everywhere, and no SQL runs. Text arguments longer
than their maximum (app/graphql/text_limits.py) are a `validation_error` naming it. (Lone
surrogates and JSON nesting are refused earlier, when the body is parsed: app/graphql/view.py.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError, GraphQLSchema, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from app.errors import CatalogError, InvalidRequest
from app.graphql.text_limits import length_error, too_long

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
        problem: CatalogError | None = None
        if where:
            problem = InvalidRequest(f"NUL characters are not allowed: {', '.join(where)}")
        elif context.graphql_document is not None:
            schema = getattr(context.schema, "_schema", None)
            if isinstance(schema, GraphQLSchema):
                problems = too_long(schema, context.graphql_document, context.variables)
                if problems:
                    problem = length_error(problems)
        if problem is not None:
            context.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(problem.detail, original_error=problem)]
            )
        yield
