"""The compiled path's entry: `serve(view, request)` answers a request, or None for the resolver.

It answers only what it can answer exactly as the resolver path would: a POSTed JSON query
whose document was parsed and validated before (the `documents` cache remembers success
under the schema's rules and limits), whose operation compiles (plan.py), whose variables
coerce, whose node count is within the limit, and whose arguments the resolvers would accept.
Anything else — a first sight of a document, a refusal, an error to report — goes to the
resolver path, which reports it. Each root field runs one statement (several run in one
read-only transaction: `app.db.driver_reads`); the database writes the JSON and the bytes
are spliced into the body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from graphql import GraphQLError, get_variable_values
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from app.auth import ANONYMOUS, Viewer
from app.db.driver_reads import fetch_texts
from app.graphql.compiler.mapping import Builder, compilable
from app.graphql.compiler.params import Params
from app.graphql.compiler.plan import Bound, NotCompilable, bind, make_plan, plans
from app.graphql.compiler.prune import prune
from app.graphql.compiler.roots import ROOTS, concrete_type
from app.graphql.cost import MAX_REQUESTED_NODES, TooDeepToCost, requested_nodes
from app.graphql.documents import documents
from app.graphql.errors import format_error
from app.observability.request_context import note_operation
from app.repositories.keyset import MAX_CURSOR_LENGTH
from app.repositories.statements import statements

if TYPE_CHECKING:
    from app.graphql.view import CatalogGraphQL

logger = logging.getLogger("app.graphql.compiler")

# The shortest text limit of any argument (app/graphql/text_limits.py): longer variables
# may be refused there, so the resolver path answers them.
SAFE_TEXT_LENGTH = 100


@dataclass(frozen=True)
class CompiledStatement:
    sql: str
    names: tuple[str, ...]
    defaults: Mapping[str, Any]
    processors: Mapping[str, Any]

    def arguments(self, values: Mapping[str, Any]) -> tuple[Any, ...]:
        out = []
        for name in self.names:
            value = values[name] if name in values else self.defaults[name]
            processor = self.processors.get(name)
            out.append(processor(value) if processor is not None and value is not None else value)
        return tuple(out)


def _root_compilable(type_name: str, field_name: str) -> bool:
    if type_name == "Query":
        return field_name in ROOTS
    return compilable(type_name, field_name)


def _plain(value: Any) -> bool:
    """Variables the text limits and the NUL guard would pass (else the resolver decides)."""
    if isinstance(value, str):
        return len(value) <= SAFE_TEXT_LENGTH and "\x00" not in value
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return True


def _variables_pass(variables: Mapping[str, Any], cursors: frozenset[str]) -> bool:
    for name, value in variables.items():
        if name in cursors and isinstance(value, str):
            # Cursors may be long (their limit is MAX_CURSOR_LENGTH); decoding checks them.
            if "\x00" in value or len(value) > MAX_CURSOR_LENGTH:
                return False
        elif not _plain(value):
            return False
    return True


async def serve(view: CatalogGraphQL, request: Request) -> Response | None:
    """The compiled answer, or None: the resolver path answers (also after any surprise
    here: the resolver path is the reference, never a 500 from this one)."""
    if not view.settings.compiler:
        return None
    try:
        return await _answer(view, request)
    except Exception:
        logger.exception("compiled path failed; the resolver path answers")
        return None


async def _answer(view: CatalogGraphQL, request: Request) -> Response | None:
    settings = view.settings
    if not settings.compiler or request.method != "POST":
        return None
    if not request.headers.get("content-type", "").startswith("application/json"):
        return None
    body = await request.body()
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict):
        return None
    query = payload.get("query")
    variables = payload.get("variables") or {}
    operation_name = payload.get("operationName")
    if not isinstance(query, str) or not isinstance(variables, dict):
        return None
    if operation_name is not None and not isinstance(operation_name, str):
        return None
    prepared = documents.get(query)
    if prepared is None or prepared.valid_under is None:
        logger.debug("resolver path: document not validated yet")
        return None  # first sight (or a refusal): the resolver path validates and remembers
    from app.graphql.schema import schema
    from app.graphql.view import json_problem
    from app.http.negotiation import negotiate

    graphql_schema = schema._schema
    plan = plans.get(
        (query, operation_name),
        lambda: make_plan(graphql_schema, prepared.document, operation_name, _root_compilable),
    )
    if plan is None or json_problem(payload, body) is not None:
        logger.debug("resolver path: operation not compilable")
        return None
    if not _variables_pass(variables, plan.cursor_variables):
        logger.debug("resolver path: variables for the text limits")
        return None
    coerced = get_variable_values(
        graphql_schema, plan.operation.variable_definitions or (), variables
    )
    if isinstance(coerced, list):
        return None  # variable errors: the resolver path reports them
    try:
        cost = requested_nodes(graphql_schema, prepared.document, variables, operation_name)
        media = negotiate(request.headers.get("accept"))
    except (TooDeepToCost, Exception):
        return None
    if cost > MAX_REQUESTED_NODES:
        return None
    viewer: Viewer = getattr(request.state, "viewer", ANONYMOUS)
    try:
        roots = bind(plan.roots, coerced, concrete_type)
        prepared_roots = [_prepare(root, viewer) for root in roots]
    except NotCompilable as reason:
        logger.debug("resolver path: %s", reason)
        return None
    except Exception:
        logger.debug("arguments left to the resolver path", exc_info=True)
        return None
    request_id = view.request_id(request)
    engine = view.executor.sessions.kw["bind"]
    try:
        dialect = engine.dialect.name
        texts: list[tuple[str, tuple[Any, ...]]] = []
        for root, shape, params in prepared_roots:

            def build(root: Bound = root) -> CompiledStatement:
                return _compile(root, dialect, viewer, engine.dialect)

            compiled = statements.get(
                ("compiled", dialect, viewer.organization_id, root.name, shape), build
            )
            texts.append((compiled.sql, compiled.arguments(params.values)))
        answers = await fetch_texts(engine, texts)
    except Exception:
        # A database failure is reported by the resolver path (its classification).
        logger.debug("compiled operation failed; the resolver path answers", exc_info=True)
        return None
    if any(answer is None for answer in answers):
        # Something asked for is missing: the resolver path answers, which also finds a model
        # by another spelling of its name (models_repo.by_other_spellings) and says not_found.
        return None
    # The request's operation, for metrics and the request log (as RecordOperation does).
    name = plan.operation.name
    note_operation(name.value if name is not None else None)
    content = _body(view, roots, answers, request_id, cost, settings.debug)
    response = Response(content, headers={"X-Request-ID": request_id})
    response.headers["content-type"] = f"{media}; charset=utf-8"
    return response


def _prepare(root: Bound, viewer: Viewer) -> tuple[Bound, Any, Params]:
    params = Params()
    shape = (root.key, ROOTS[root.name].prepare(root, params, viewer))
    return root, shape, params


def _compile(root: Bound, dialect: str, viewer: Viewer, sa_dialect: Any) -> CompiledStatement:
    builder = Builder(dialect, viewer)
    statement = prune(select(builder.j.as_text(ROOTS[root.name].emit(builder, root))))
    compiled = statement.compile(dialect=sa_dialect, compile_kwargs={"render_postcompile": True})
    names = tuple(compiled.positiontup or ())
    processors = dict(compiled._bind_processors)
    return CompiledStatement(compiled.string, names, dict(compiled.params), processors)


def _body(
    view: CatalogGraphQL,
    roots: list[Bound],
    answers: list[str | None],
    request_id: str,
    cost: int,
    debug: bool,
) -> bytes:
    parts = [b'{"data":{']
    errors: list[dict[str, Any]] = []
    for index, (root, answer) in enumerate(zip(roots, answers, strict=True)):
        if index:
            parts.append(b",")
        parts.append(orjson.dumps(root.key))
        parts.append(b":")
        if answer is None:
            parts.append(b"null")
            missing = ROOTS[root.name].missing
            if missing is not None:
                error = missing(root)
                graphql_error = GraphQLError(
                    str(error), root.nodes, path=[root.key], original_error=error
                )
                errors.append(view.shown(format_error(graphql_error, request_id)))
        else:
            parts.append(answer.encode())
    parts.append(b"}")
    if errors:
        parts.append(b',"errors":')
        parts.append(orjson.dumps(errors))
    extensions: dict[str, Any] = {"cost": {"requestedNodes": cost, "limit": MAX_REQUESTED_NODES}}
    if debug:
        extensions["plan"] = "compiled"
    parts.append(b',"extensions":')
    parts.append(orjson.dumps(extensions))
    parts.append(b"}")
    return b"".join(parts)
