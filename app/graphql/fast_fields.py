"""Thinner resolvers for the fields that need none of Strawberry's per-call machinery.

Strawberry wraps every field in a resolver that builds its `Info`, converts arguments and
runs field extensions; a page of 50 models runs it some 1,400 times. For two kinds of field
none of that does anything, and graphql-core can call something plainer:

- a field without a resolver: an attribute read (`getattr(source, python_name)`);
- a synchronous method taking only `self` (and `info`), without arguments, permissions or
  field extensions: the method itself. It receives graphql-core's `GraphQLResolveInfo`,
  which has the `context` our resolvers read (`app.graphql.context`); nothing else of
  Strawberry's `Info` may be used by such a method.

Everything else (arguments, async resolvers, permissions) keeps Strawberry's resolver.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.types.field import StrawberryField

BACKREF = "strawberry-definition"
Resolve = Callable[..., Any]
Info = GraphQLResolveInfo[Any]


def _attribute(name: str) -> Resolve:
    def resolve(source: Any, _info: Info) -> Any:
        return getattr(source, name)

    return resolve


def _method(func: Callable[..., Any], wants_info: bool) -> Resolve:
    if wants_info:

        def resolve_with_info(source: Any, info: Info) -> Any:
            return func(source, info)

        return resolve_with_info

    def resolve(source: Any, _info: Info) -> Any:
        return func(source)

    return resolve


def thin_resolver(field: StrawberryField) -> Resolve | None:
    """The plain resolver for `field`, or None where Strawberry's is needed."""
    if field.extensions or field.permission_classes or field.directives:
        return None
    resolver = field.base_resolver
    if resolver is None:
        return _attribute(field.python_name)
    if resolver.is_async or resolver.arguments or resolver.self_parameter is None:
        return None
    reserved = {p for p in resolver.reserved_parameters.values() if p is not None}
    if reserved - {resolver.self_parameter, resolver.info_parameter}:
        return None  # root/parent parameters
    func = resolver.wrapped_func
    if not callable(func) or isinstance(func, staticmethod | classmethod):
        return None
    return _method(func, resolver.info_parameter is not None)


def streamline(schema: strawberry.Schema) -> int:
    """Install thin resolvers on every object type of `schema`; returns how many."""
    installed = 0
    graphql_schema = schema._schema
    roots = {t for t in (graphql_schema.query_type, graphql_schema.mutation_type) if t is not None}
    for graphql_type in graphql_schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        if graphql_type in roots:
            continue  # root fields keep Strawberry's resolver (they read more of `Info`)
        for graphql_field in graphql_type.fields.values():
            field = (graphql_field.extensions or {}).get(BACKREF)
            if not isinstance(field, StrawberryField):
                continue
            resolve = thin_resolver(field)
            if resolve is not None:
                graphql_field.resolve = resolve
                installed += 1
    return installed
