"""Plans: which query operations compile, and their selections bound to a request's variables.

A plan is made once per (document, operation name): the operation's root fields with their
selections, fragments inlined, `@include`/`@skip` with literal conditions applied. A document
compiles when it is a query whose every selected field has a mapping (`mapping.compilable`)
and whose directives are only `@include`/`@skip`; anything else is `None` (the resolver path).

Per request `bind` applies the variable conditions, merges fields of one response key as
GraphQL does, and computes each field's argument values (graphql-core's coercion).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_argument_values,
    get_named_type,
    visit,
)
from graphql.execution.values import VariableValues
from graphql.language import Visitor

MAX_PLANS = 1_000
# A literal this long may be refused by the text limits; the resolver path answers it.
MAX_LITERAL_LENGTH = 100


class NotCompilable(Exception):
    """This operation (or this request's arguments) is left to the resolver path."""


@dataclass
class PlanField:
    key: str
    name: str
    node: FieldNode
    definition: GraphQLField
    type_name: str
    # (include?, variable name) conditions still to check per request.
    conditions: tuple[tuple[bool, str], ...]
    children: list[PlanField]
    # For a field of an abstract type (`node`): its selection for a concrete type, which
    # the request's arguments decide (`bind`).
    by_type: Callable[[str], list[PlanField]] | None = None


@dataclass
class Plan:
    operation: OperationDefinitionNode
    roots: list[PlanField]
    # Variables passed as `after`/`before` (cursors: longer text limits than other text).
    cursor_variables: frozenset[str] = frozenset()


@dataclass
class Bound:
    """A field of this request: merged, with its argument values."""

    key: str
    name: str
    type_name: str
    nodes: list[FieldNode]
    args: dict[str, Any]
    children: list[Bound]
    # What the field's mapping derived from its arguments (filters, page, parameter names).
    extra: dict[str, Any] = field(default_factory=dict)

    def child(self, name: str) -> list[Bound]:
        return [c for c in self.children if c.name == name]


class _Literals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.problem = False

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if "\x00" in node.value or len(node.value) > MAX_LITERAL_LENGTH:
            self.problem = True


def make_plan(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    compilable: Callable[[str, str], bool],
) -> Plan | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) != 1:
            return None
        operation = operations[0]
    else:
        named = [op for op in operations if op.name and op.name.value == operation_name]
        if len(named) != 1:
            return None
        operation = named[0]
    if operation.operation is not OperationType.QUERY or operation.directives:
        return None
    literals = _Literals()
    visit(operation, literals)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for fragment in fragments.values():
        visit(fragment, literals)
    if literals.problem:
        return None
    try:
        query_type = schema.query_type
        assert query_type is not None
        roots = _collect(schema, operation.selection_set, query_type, fragments, compilable, ())
    except NotCompilable:
        return None
    return Plan(operation, roots, frozenset(_cursor_variables(roots)))


def _cursor_variables(fields: list[PlanField]) -> set[str]:
    found: set[str] = set()
    for f in fields:
        for argument in f.node.arguments or ():
            if argument.name.value in ("after", "before") and isinstance(
                argument.value, VariableNode
            ):
                found.add(argument.value.name.value)
        found |= _cursor_variables(f.children)
    return found


def _condition(directives: Any) -> tuple[tuple[bool, str], ...] | None:
    """The directives' variable conditions; None when a literal one excludes the selection.
    Any other directive is not compilable."""
    conditions: list[tuple[bool, str]] = []
    for directive in directives or ():
        name = directive.name.value
        if name not in ("include", "skip"):
            raise NotCompilable(f"directive @{name}")
        (argument,) = directive.arguments
        include = name == "include"
        value = argument.value
        if isinstance(value, BooleanValueNode):
            if value.value != include:
                return None
        elif isinstance(value, VariableNode):
            conditions.append((include, value.name.value))
        else:
            raise NotCompilable("condition")
    return tuple(conditions)


def _applies(schema: GraphQLSchema, condition: Any, parent: GraphQLObjectType) -> bool:
    """Whether a fragment's type condition covers `parent` (itself, an interface of it, or
    a union holding it)."""
    if condition is None or condition.name.value == parent.name:
        return True
    named = schema.get_type(condition.name.value)
    return isinstance(named, GraphQLInterfaceType | GraphQLUnionType) and schema.is_sub_type(
        named, parent
    )


def _collect(
    schema: GraphQLSchema,
    selection_set: SelectionSetNode,
    parent: GraphQLObjectType,
    fragments: Mapping[str, FragmentDefinitionNode],
    compilable: Callable[[str, str], bool],
    inherited: tuple[tuple[bool, str], ...],
    seen: frozenset[str] = frozenset(),
) -> list[PlanField]:
    found: list[PlanField] = []
    for selection in selection_set.selections:
        conditions = _condition(selection.directives)
        if conditions is None:
            continue
        conditions = inherited + conditions
        if isinstance(selection, FieldNode):
            found.append(_field(schema, selection, parent, fragments, compilable, conditions, seen))
            continue
        if isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen:
                raise NotCompilable("fragment cycle")
            fragment: FragmentDefinitionNode | InlineFragmentNode = fragments[name]
            seen_here = seen | {name}
        else:
            assert isinstance(selection, InlineFragmentNode)
            fragment = selection
            seen_here = seen
        if not _applies(schema, fragment.type_condition, parent):
            continue  # a fragment for another type of an abstract field's possible types
        found.extend(
            _collect(
                schema, fragment.selection_set, parent, fragments, compilable, conditions, seen_here
            )
        )
    return found


# Fields of an abstract type that compile: their concrete type comes from an argument.
ABSTRACT_ROOTS = frozenset({"node"})


def _field(
    schema: GraphQLSchema,
    node: FieldNode,
    parent: GraphQLObjectType,
    fragments: Mapping[str, FragmentDefinitionNode],
    compilable: Callable[[str, str], bool],
    conditions: tuple[tuple[bool, str], ...],
    seen: frozenset[str],
) -> PlanField:
    name = node.name.value
    key = node.alias.value if node.alias else name
    if name == "__typename":
        definition = GraphQLField(parent)  # a stand-in: no arguments
        return PlanField(key, name, node, definition, parent.name, conditions, [])
    if not compilable(parent.name, name):
        raise NotCompilable(f"{parent.name}.{name}")
    definition = parent.fields[name]
    named = get_named_type(definition.type)
    children: list[PlanField] = []
    selection_set = node.selection_set
    if selection_set is not None and not isinstance(named, GraphQLObjectType):
        if parent.name != "Query" or name not in ABSTRACT_ROOTS:
            raise NotCompilable("abstract type")
        chosen: dict[str, list[PlanField]] = {}

        def by_type(type_name: str) -> list[PlanField]:
            if type_name not in chosen:
                concrete = schema.get_type(type_name)
                assert isinstance(concrete, GraphQLObjectType)
                chosen[type_name] = _collect(
                    schema, selection_set, concrete, fragments, compilable, (), seen
                )
            return chosen[type_name]

        return PlanField(key, name, node, definition, named.name, conditions, [], by_type)
    if selection_set is not None:
        assert isinstance(named, GraphQLObjectType)
        children = _collect(schema, selection_set, named, fragments, compilable, (), seen)
    return PlanField(key, name, node, definition, named.name, conditions, children)


def bind(
    fields: list[PlanField],
    variables: VariableValues,
    concrete: Callable[[str, dict[str, Any]], str] | None = None,
) -> list[Bound]:
    """This request's fields: conditions applied, one per response key, arguments coerced
    (`variables` as graphql-core's `get_variable_values` coerced them). `concrete` names
    the type an abstract root field's arguments select (NotCompilable when none compiles)."""
    merged: OrderedDict[str, list[PlanField]] = OrderedDict()
    values = variables.coerced
    for plan_field in fields:
        if all(bool(values.get(var)) == include for include, var in plan_field.conditions):
            merged.setdefault(plan_field.key, []).append(plan_field)
    bound: list[Bound] = []
    for key, group in merged.items():
        first = group[0]
        args = (
            get_argument_values(first.definition, first.node, variables)
            if first.node.arguments or first.definition.args
            else {}
        )
        type_name = first.type_name
        if first.by_type is not None:
            if concrete is None:
                raise NotCompilable(f"{first.name}: no concrete type")
            type_name = concrete(first.name, args)
            children = [c for f in group if f.by_type for c in f.by_type(type_name)]
        else:
            children = [c for f in group for c in f.children]
        bound.append(
            Bound(
                key,
                first.name,
                type_name,
                [f.node for f in group],
                args,
                bind(children, variables, concrete) if children else [],
            )
        )
    return bound


class PlanCache:
    """Plans by (document text, operation name); `None` remembers "not compilable"."""

    def __init__(self, max_entries: int = MAX_PLANS) -> None:
        self._entries: OrderedDict[tuple[str, str | None], Plan | None] = OrderedDict()
        self._max_entries = max_entries

    def get(self, key: tuple[str, str | None], build: Callable[[], Plan | None]) -> Plan | None:
        if key in self._entries:
            self._entries.move_to_end(key)
            return self._entries[key]
        plan = build()
        self._entries[key] = plan
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return plan


plans = PlanCache()
