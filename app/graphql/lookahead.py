"""Which fields a resolver's children will ask for, read from the operation before they run.

A connection's resolver uses this to load, for the whole page at once, what its nodes'
fields need (their latest versions, top scores, prices), so that those fields resolve
synchronously. Only a hint: a field left out here still loads itself on demand, so reading
too little costs speed, never correctness. Fields under a directive (`@skip`/`@include`)
are left out (conservative); fragments are followed whatever their type condition.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.execution.values import get_argument_values
from strawberry.types import Info


@dataclass(frozen=True)
class Wanted:
    """A field asked for, with its coerced arguments (GraphQL names, defaults applied)."""

    name: str
    arguments: dict[str, Any]
    node: FieldNode


def _fields(info: Info[Any, Any], selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if selection.directives:
            continue
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(info, selection.selection_set)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info._raw_info.fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(info, fragment.selection_set)


def nodes_at(
    info: Info[Any, Any], path: Sequence[str], start: Sequence[FieldNode] | None = None
) -> list[FieldNode]:
    """The field nodes reached from the current field (or `start`) along `path`."""
    current: list[FieldNode] = list(start if start is not None else info._raw_info.field_nodes)
    for name in path:
        current = [
            child
            for node in current
            for child in _fields(info, node.selection_set)
            if child.name.value == name
        ]
    return current


class _Variables:
    """graphql-core's variable container, over the coerced dict Strawberry's info carries."""

    def __init__(self, values: Any) -> None:
        self.coerced = getattr(values, "coerced", values) or {}
        self.sources = getattr(values, "sources", {})


def wanted(info: Info[Any, Any], type_name: str, parents: Sequence[FieldNode]) -> list[Wanted]:
    """The fields of `type_name` selected under `parents`, with their arguments."""
    graphql_type = info._raw_info.schema.get_type(type_name)
    if not isinstance(graphql_type, GraphQLObjectType):
        return []
    variables: Any = _Variables(info._raw_info.variable_values)
    found: list[Wanted] = []
    for parent in parents:
        for node in _fields(info, parent.selection_set):
            definition = graphql_type.fields.get(node.name.value)
            if definition is None:
                continue
            try:
                arguments = get_argument_values(definition, node, variables)
            except Exception:  # the field itself will report its bad arguments
                continue
            found.append(Wanted(node.name.value, arguments, node))
    return found
