"""The node count of a GraphQL operation, computed from the document before anything runs.

GitHub's rule: every connection asks for up to `first` (or `last`; 20 when neither is given)
nodes, once per node of each connection it is nested in. The operation's cost is the sum over
its connections, e.g. `models(first: 50) { edges { node { versions(first: 10) { ... } } } }`
asks for 50 + 50 x 10 = 550 nodes. Plain lists are not counted (they are bounded by the data
or by their own arguments). A pure function over the parsed document and the schema: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_object_type,
)
from graphql.type.definition import GraphQLInterfaceType

DEFAULT_PAGE_SIZE = 20
MAX_REQUESTED_NODES = 50_000
# Far beyond the depth limit: a deeper document is refused by the depth rule anyway, and the
# walk must not exhaust the interpreter's stack on a pathological one.
MAX_WALK_DEPTH = 64
PAGE_ARGUMENTS = ("first", "last")


class TooDeepToCost(ValueError):
    """The document nests deeper than MAX_WALK_DEPTH."""


def is_connection(type_: GraphQLNamedType | None) -> bool:
    return is_object_type(type_) and {"edges", "pageInfo"} <= set(
        getattr(type_, "fields", {}).keys()
    )


def select_operation(
    document: DocumentNode, operation_name: str | None
) -> list[OperationDefinitionNode]:
    """The operation that will run; all of them when that cannot be told (all are costed)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        named = [op for op in operations if op.name and op.name.value == operation_name]
        return named or operations
    return operations


def requested_nodes(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> int:
    """The number of nodes the operation may return (see the module's docstring)."""
    return _Walk(schema, document, variables or {}).operations(
        select_operation(document, operation_name)
    )


class _Walk:
    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.defaults: dict[str, Any] = {}
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        # A fragment's cost does not depend on where it is spread: cost it once.
        self.fragment_costs: dict[str, int] = {}
        self.in_progress: set[str] = set()

    def operations(self, operations: list[OperationDefinitionNode]) -> int:
        total = 0
        for operation in operations:
            root = {
                OperationType.QUERY: self.schema.query_type,
                OperationType.MUTATION: self.schema.mutation_type,
                OperationType.SUBSCRIPTION: self.schema.subscription_type,
            }[operation.operation]
            self.defaults = {
                d.variable.name.value: d.default_value
                for d in operation.variable_definitions or ()
                if d.default_value is not None
            }
            total += self.selections(operation.selection_set, root, 0)
        return total

    def selections(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None, depth: int
    ) -> int:
        """Nodes asked for below `selection_set`, for one instance of `parent`."""
        if selection_set is None:
            return 0
        if depth > MAX_WALK_DEPTH:
            raise TooDeepToCost(f"the document nests deeper than {MAX_WALK_DEPTH} levels")
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, depth)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scope = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, scope, depth + 1)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, depth)
        return total

    def fragment(self, name: str, depth: int) -> int:
        if name in self.fragment_costs:
            return self.fragment_costs[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            return 0  # unknown fragments and cycles are validation errors of their own
        self.in_progress.add(name)
        scope = self.schema.get_type(definition.type_condition.name.value)
        cost = self.selections(definition.selection_set, scope, depth + 1)
        self.in_progress.discard(name)
        self.fragment_costs[name] = cost
        return cost

    def field(self, node: FieldNode, parent: GraphQLNamedType | None, depth: int) -> int:
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 0
        definition = parent.fields.get(node.name.value)
        if definition is None:
            return 0  # unknown fields (and __typename) are not connections
        child = get_named_type(definition.type)
        below = self.selections(node.selection_set, child, depth + 1)
        if not is_connection(child):
            return below
        size = self.page_size(node)
        return size + size * below

    def page_size(self, node: FieldNode) -> int:
        sizes = [
            self.argument_value(argument.value)
            for argument in node.arguments or ()
            if argument.name.value in PAGE_ARGUMENTS
        ]
        given = [size for size in sizes if size is not None]
        return max(given) if given else DEFAULT_PAGE_SIZE

    def argument_value(self, value: Any) -> int | None:
        if isinstance(value, VariableNode):
            name = value.name.value
            value = self.variables[name] if name in self.variables else self.defaults.get(name)
        if isinstance(value, IntValueNode):
            value = int(value.value)
        if isinstance(value, bool) or not isinstance(value, int):
            return None  # null or not a number: the default applies (or coercion refuses it)
        return max(value, 0)
