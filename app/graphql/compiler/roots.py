"""Root fields of Query that compile, each into one statement returning its JSON text.

A root's `prepare` checks its arguments as the resolver does (refusals are left to the
resolver path, which reports them) and returns what the statement depends on; `emit` builds
the statement. `missing` tells, from the answer, the error a null root value stands for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, bindparam, select
from strawberry.types.arguments import convert_argument

from app.auth import Viewer
from app.db.tables import ModelRow, OrganizationRow
from app.errors import NotFound
from app.graphql.compiler.connections import connection_json, prepare_page
from app.graphql.compiler.mapping import Builder, model_node, prepare_fields
from app.graphql.compiler.params import Params
from app.graphql.compiler.plan import Bound, NotCompilable
from app.graphql.inputs import ModelFilter, ModelOrder
from app.repositories import models as models_repo
from app.repositories.visibility import model_visible


@dataclass(frozen=True)
class Root:
    prepare: Callable[[Bound, Params, Viewer], Any]
    emit: Callable[[Builder, Bound], Any]
    # The error a null answer means (None: null is an answer).
    missing: Callable[[Bound], Exception] | None = None


def _input(value: Any, type_: Any) -> Any:
    from app.graphql.schema import schema

    return convert_argument(value, type_, schema.schema_converter.scalar_registry, schema.config)


def _prepare_models(f: Bound, params: Params, viewer: Viewer) -> Any:
    try:
        raw_filter, raw_order = f.args.get("filter"), f.args.get("orderBy")
        query = (
            _input(raw_filter, ModelFilter).to_query()
            if raw_filter is not None
            else models_repo.ModelFilter()
        )
        order = (_input(raw_order, ModelOrder) if raw_order is not None else ModelOrder())
        order_query = order.to_query()
    except NotCompilable:
        raise
    except Exception as error:
        raise NotCompilable("models arguments") from error
    keys = models_repo.sort_keys(order_query)
    spec = prepare_page(f, keys, params)
    f.extra.update(filter=query, order=order_query, page=spec)
    return (query, order_query, spec, prepare_fields(f.type_name, f.children, params, viewer))


def _emit_models(b: Builder, f: Bound) -> Any:
    query, order = f.extra["filter"], f.extra["order"]
    stmt, keys = models_repo.page_source(b.viewer, query, order)

    def count() -> Any:
        return models_repo.count_statement(b.viewer, query).scalar_subquery()

    def node(rows: Any, fields: list[Bound]) -> Any:
        return model_node(b, rows, fields)

    return connection_json(b.j, stmt, keys, f.extra["page"], f, node, count, None, b.name)


def _prepare_model(f: Bound, params: Params, viewer: Viewer) -> Any:
    org, name = f.args["org"], f.args["name"]
    f.extra["org"] = params.add(org)
    f.extra["name"] = params.add(name)
    return prepare_fields(f.type_name, f.children, params, viewer)


def _emit_model(b: Builder, f: Bound) -> Any:
    found = (
        models_repo.read_base()
        .where(
            OrganizationRow.slug == bindparam(f.extra["org"], type_=String()),
            ModelRow.slug == bindparam(f.extra["name"], type_=String()),
            model_visible(b.viewer),
        )
        .subquery(b.name("m"))
    )
    return select(model_node(b, found, f.children)).select_from(found).scalar_subquery()


def _model_missing(f: Bound) -> Exception:
    return NotFound(f"Model '{f.args['org']}/{f.args['name']}' not found")


ROOTS: dict[str, Root] = {
    "models": Root(_prepare_models, _emit_models),
    "model": Root(_prepare_model, _emit_model, _model_missing),
}
