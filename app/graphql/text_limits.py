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

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
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


def _is_text(type_: Any) -> bool:
    return isinstance(type_, GraphQLScalarType) and type_.name in _TEXT_SCALARS


def _filter_field(type_: GraphQLInputObjectType, name: str) -> tuple[GraphQLInputType, int] | None:
    """The type and limit of an input field that is checked here (read filters only)."""
    field = type_.fields.get(name)
    if field is None or type_.name not in FILTER_TYPES:
        return None
    qualified = f"{type_.name}.{name}"
    return field.type, FILTER_FIELD_LENGTHS.get(qualified, DEFAULT_FILTER_FIELD_LENGTH)


def _too_long(value: str, limit: int, loc: Loc) -> FieldError | None:
    if len(value) > limit:
        return FieldError(loc, f"at most {limit} characters", "value_error.too_long")
    return None


@dataclass(frozen=True)
class _Site:
    """A variable used where text is limited (its value is only known per request)."""

    variable: str
    type: GraphQLInputType
    loc: Loc
    limit: int
    default: ValueNode | None


@dataclass
class _Plan:
    """What a document needs checked: problems of its literals (fixed), sites of its variables."""

    document: DocumentNode
    literal_problems: list[FieldError]
    sites: list[_Site]


class _Planner(Visitor):
    def __init__(self, type_info: TypeInfo, defaults: Mapping[str, ValueNode]) -> None:
        super().__init__()
        self.type_info = type_info
        self.defaults = defaults
        self.problems: list[FieldError] = []
        self.sites: list[_Site] = []
        self.field = "?"

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        self.field = node.name.value  # its arguments are visited next, before its children

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        argument = self.type_info.get_argument()
        if argument is not None:
            name = node.name.value
            limit = ARGUMENT_LENGTHS.get(name, DEFAULT_ARGUMENT_LENGTH)
            self.literal(node.value, argument.type, (self.field, name), limit)
        return Visitor.SKIP

    def literal(self, node: ValueNode, type_: GraphQLInputType, loc: Loc, limit: int) -> None:
        type_ = _unwrap(type_)
        if isinstance(node, VariableNode):
            name = node.name.value
            self.sites.append(_Site(name, type_, loc, limit, self.defaults.get(name)))
        elif isinstance(node, StringValueNode):
            if _is_text(type_) and (problem := _too_long(node.value, limit, loc)):
                self.problems.append(problem)
        elif isinstance(node, ListValueNode) and isinstance(type_, GraphQLList):
            for index, item in enumerate(node.values):
                self.literal(item, type_.of_type, (*loc, index), limit)
        elif isinstance(node, ObjectValueNode) and isinstance(type_, GraphQLInputObjectType):
            for field in node.fields:
                found = _filter_field(type_, field.name.value)
                if found is not None:
                    self.literal(field.value, found[0], (*loc, field.name.value), found[1])


def _value_problems(
    value: Any, type_: GraphQLInputType, loc: Loc, limit: int, out: list[FieldError]
) -> None:
    type_ = _unwrap(type_)
    if isinstance(value, str):
        if _is_text(type_) and (problem := _too_long(value, limit, loc)):
            out.append(problem)
    elif isinstance(value, list) and isinstance(type_, GraphQLList):
        for index, item in enumerate(value):
            _value_problems(item, type_.of_type, (*loc, index), limit, out)
    elif isinstance(value, dict) and isinstance(type_, GraphQLInputObjectType):
        for key, item in value.items():
            found = _filter_field(type_, key)
            if found is not None:
                _value_problems(item, found[0], (*loc, key), found[1], out)


def _defaults(document: DocumentNode) -> dict[str, ValueNode]:
    found: dict[str, ValueNode] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                if variable.default_value is not None:
                    found.setdefault(variable.variable.name.value, variable.default_value)
    return found


class _Plans:
    """Plans by document (the document cache hands out the same node for the same text)."""

    def __init__(self, max_entries: int = 1_000) -> None:
        self._plans: OrderedDict[int, _Plan] = OrderedDict()
        self._max_entries = max_entries

    def plan(self, schema: GraphQLSchema, document: DocumentNode) -> _Plan:
        key = id(document)
        found = self._plans.get(key)
        if found is not None and found.document is document:
            self._plans.move_to_end(key)
            return found
        type_info = TypeInfo(schema)
        planner = _Planner(type_info, _defaults(document))
        visit(document, TypeInfoVisitor(type_info, planner))
        made = _Plan(document, planner.problems, planner.sites)
        self._plans[key] = made
        while len(self._plans) > self._max_entries:
            self._plans.popitem(last=False)
        return made


_plans = _Plans()


def too_long(
    schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any] | None
) -> list[FieldError]:
    """Every text argument of the document (literal or variable) over its maximum length."""
    plan = _plans.plan(schema, document)
    problems = list(plan.literal_problems)
    given = variables or {}
    for site in plan.sites:
        if site.variable in given:
            _value_problems(given[site.variable], site.type, site.loc, site.limit, problems)
        elif site.default is not None:
            planner = _Planner(TypeInfo(schema), {})
            planner.literal(site.default, site.type, site.loc, site.limit)
            problems += planner.problems
    return problems


def length_error(problems: list[FieldError]) -> ValidationFailed:
    first = problems[0]
    where = ".".join(str(part) for part in first.loc)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ValidationFailed(f"Text too long: {where} must be {first.msg}{more}", problems)
