"""Maximum lengths of text arguments, checked before any resolver (or SQL) runs.

Every `String`/`ID` argument of a field, and every `String` field of the read filters, has a
maximum length in characters; a longer one is refused with `validation_error` (422) whose
`errors[{loc, msg: "at most N characters", type: "value_error.too_long"}]` names the maximum
(SQLite refuses a LIKE pattern over 50,000 bytes, and no slug is that long anyway).

| argument or input field | at most |
| --- | --- |
| `search` (`organizations`, `benchmarks`, `providers`), `ModelFilter.search` | 200 |
| `after`, `before` (cursors) | 8,192 |
| `id`, `ids`, `model` (global ids), `resolveModel(id:)` | 200 |
| `ScoreFilter.source`, `LeaderboardFilter.source` | 100 |
| any other `String`/`ID` argument (slugs, versions, aliases) | 100 |
| other `String` fields of `ModelFilter`/`ModelOrder`/`ScoreFilter`/`LeaderboardFilter` | 100 |

The fields of mutation inputs have limits of their own (app/services/validation.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLSchema,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableNode,
    visit,
)
from graphql.language import Visitor

from app.errors import FieldError, ValidationFailed
from app.graphql.types.node import MAX_GLOBAL_ID_LENGTH
from app.repositories.keyset import MAX_CURSOR_LENGTH

MAX_SEARCH_LENGTH = 200
MAX_SLUG_LENGTH = 100

# Field arguments by name; any other String/ID argument gets DEFAULT_ARGUMENT_LENGTH.
ARGUMENT_LENGTHS: dict[str, int] = {
    "search": MAX_SEARCH_LENGTH,
    "after": MAX_CURSOR_LENGTH,
    "before": MAX_CURSOR_LENGTH,
    "id": MAX_GLOBAL_ID_LENGTH,
    "ids": MAX_GLOBAL_ID_LENGTH,
    "model": MAX_GLOBAL_ID_LENGTH,
}
DEFAULT_ARGUMENT_LENGTH = MAX_SLUG_LENGTH

# Read filters whose String fields are limited ("Type.field"; others of these types: the
# default). Mutation inputs are validated by their own code.
FILTER_TYPES = frozenset({"ModelFilter", "ModelOrder", "ScoreFilter", "LeaderboardFilter"})
FILTER_FIELD_LENGTHS: dict[str, int] = {"ModelFilter.search": MAX_SEARCH_LENGTH}
DEFAULT_FILTER_FIELD_LENGTH = MAX_SLUG_LENGTH

_TEXT_SCALARS = frozenset({"String", "ID"})

Loc = tuple[str | int, ...]


def _unwrap(type_: Any) -> Any:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


class _Lengths(Visitor):
    def __init__(
        self,
        type_info: TypeInfo,
        variables: Mapping[str, Any],
        defaults: Mapping[str, ValueNode],
    ) -> None:
        super().__init__()
        self.type_info = type_info
        self.variables = variables
        self.defaults = defaults
        self.problems: list[FieldError] = []
        self.field = "?"

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.field = node.name.value  # its arguments are visited next, before its children

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        argument = self.type_info.get_argument()
        if argument is not None:
            name = node.name.value
            limit = ARGUMENT_LENGTHS.get(name, DEFAULT_ARGUMENT_LENGTH)
            self._node(node.value, argument.type, (self.field, name), limit)
        return Visitor.SKIP

    # --- values as literals, or variables' JSON ------------------------------------------

    def _node(self, node: ValueNode, type_: GraphQLInputType, loc: Loc, limit: int) -> None:
        type_ = _unwrap(type_)
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                self._value(self.variables[name], type_, loc, limit)
            elif name in self.defaults:
                self._node(self.defaults[name], type_, loc, limit)
        elif isinstance(node, StringValueNode):
            self._text(node.value, type_, loc, limit)
        elif isinstance(node, ListValueNode) and isinstance(type_, GraphQLList):
            for index, item in enumerate(node.values):
                self._node(item, type_.of_type, (*loc, index), limit)
        elif isinstance(node, ObjectValueNode) and isinstance(type_, GraphQLInputObjectType):
            for field in node.fields:
                found = self._field(type_, field.name.value)
                if found is not None:
                    self._node(field.value, found[0], (*loc, field.name.value), found[1])

    def _value(self, value: Any, type_: GraphQLInputType, loc: Loc, limit: int) -> None:
        type_ = _unwrap(type_)
        if isinstance(value, str):
            self._text(value, type_, loc, limit)
        elif isinstance(value, list) and isinstance(type_, GraphQLList):
            for index, item in enumerate(value):
                self._value(item, type_.of_type, (*loc, index), limit)
        elif isinstance(value, dict) and isinstance(type_, GraphQLInputObjectType):
            for key, item in value.items():
                found = self._field(type_, key)
                if found is not None:
                    self._value(item, found[0], (*loc, key), found[1])

    def _field(
        self, type_: GraphQLInputObjectType, name: str
    ) -> tuple[GraphQLInputType, int] | None:
        """The type and limit of an input field that is checked here (read filters only)."""
        field = type_.fields.get(name)
        if field is None or type_.name not in FILTER_TYPES:
            return None
        qualified = f"{type_.name}.{name}"
        return field.type, FILTER_FIELD_LENGTHS.get(qualified, DEFAULT_FILTER_FIELD_LENGTH)

    def _text(self, value: str, type_: Any, loc: Loc, limit: int) -> None:
        if (
            isinstance(type_, GraphQLScalarType)
            and type_.name in _TEXT_SCALARS
            and len(value) > limit
        ):
            self.problems.append(
                FieldError(loc, f"at most {limit} characters", "value_error.too_long")
            )


def _defaults(document: DocumentNode) -> dict[str, ValueNode]:
    found: dict[str, ValueNode] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                if variable.default_value is not None:
                    found.setdefault(variable.variable.name.value, variable.default_value)
    return found


def too_long(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None
) -> Iterator[FieldError]:
    """Every text argument of the document (literal or variable) over its maximum length."""
    type_info = TypeInfo(schema)
    lengths = _Lengths(type_info, variables or {}, _defaults(document))
    visit(document, TypeInfoVisitor(type_info, lengths))
    yield from lengths.problems


def length_error(problems: list[FieldError]) -> ValidationFailed:
    first = problems[0]
    where = ".".join(str(part) for part in first.loc)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ValidationFailed(f"Text too long: {where} must be {first.msg}{more}", problems)
