"""Limits on what one request may ask for, all enforced before any resolver (or SQL) runs.

| limit | value | where |
| --- | --- | --- |
| tokens in the document | 2,000 | the parser (`max_tokens`), refused by `QueryLimits.on_parse` |
| depth of an operation | 10 | Strawberry's QueryDepthLimiter rule (introspection fields ignored) |
| aliases in the document | 15 | Strawberry's MaxAliasesLimiter rule |
| directives in the document | 50 | `DirectiveLimit` below |
| requested nodes (GitHub's node count) | 50,000 | `cost.requested_nodes`, a rule here |
| request body | 1 MiB (HTTP 413) | `BodySizeLimit` ASGI middleware, before authentication |
| JSON nesting of body, `variables`, `extensions` | 64 levels (HTTP 400) | view `parse_json` |

Every refusal is a request error with the envelope `invalid_request` (HTTP-equivalent 400:
GraphQL over HTTP answers a document that fails validation with 400) and one
`errors[{loc: ["query"], msg, type}]` entry naming the limit; the body limit is the same
envelope with code 413. Accepted operations report their node count in the response's
`extensions.cost = {requestedNodes, limit}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, cast

from graphql import (
    ASTValidationRule,
    DirectiveNode,
    DocumentNode,
    GraphQLError,
    Node,
    ValidationContext,
    ValidationRule,
    parse,
)
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_validator
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator
from strawberry.schema.schema import validate_document

from app.errors import FieldError, InvalidRequest
from app.graphql.cost import MAX_REQUESTED_NODES, TooDeepToCost, requested_nodes
from app.graphql.documents import PreparedDocument, documents
from app.http.raw_headers import header
from app.http.request_id import request_id_of
from app.http.responses import error_response

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2_000
MAX_DIRECTIVES = 50
MAX_BODY_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 64
TOKEN_LIMIT_HINT = f"more than {MAX_TOKENS} tokens"

# graphql-core's suggestions: " Did you mean 'a', 'b', or 'c'?", at the end of a message or in
# its middle ("... unknown field 'x'. Did you mean 'y'? Found: { x: 1 }."); names hold no '?'.
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def strip_suggestions(message: str) -> str:
    """Drop graphql-core's "Did you mean ...?" (it reveals the schema piecemeal)."""
    return _SUGGESTION.sub("", message)


class PayloadTooLarge(InvalidRequest):
    code = 413


def limit_error(
    kind: str, message: str, nodes: Sequence[Node] | Node | None = None
) -> GraphQLError:
    """A validation error that the view turns into the `invalid_request` envelope."""
    refusal = InvalidRequest(message, [FieldError(("query",), message, kind)])
    return GraphQLError(message, nodes, original_error=refusal)


class _Relabeling:
    """A validation context whose reported errors are retyped as limit errors."""

    def __init__(self, context: ValidationContext, kind: str) -> None:
        self._context = context
        self._kind = kind

    def report_error(self, error: GraphQLError) -> None:
        self._context.report_error(limit_error(self._kind, error.message, error.nodes))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def relabeled(rule: type[ASTValidationRule], kind: str) -> type[ValidationRule]:
    """Strawberry's limit rules check the whole document when built: build them on a context
    that gives their errors our envelope's type."""

    class Relabeled(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            rule(cast(ValidationContext, _Relabeling(context, kind)))

    Relabeled.__name__ = f"Relabeled{rule.__name__}"
    return Relabeled


DepthLimit = relabeled(depth_validator(MAX_DEPTH, None, None), "max_depth")
AliasLimit = relabeled(aliases_validator(MAX_ALIASES), "max_aliases")


class DirectiveLimit(ValidationRule):
    """At most MAX_DIRECTIVES directives in the whole document (repeats included)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.count = 0

    def enter_directive(self, _node: DirectiveNode, *_args: Any) -> None:
        self.count += 1

    def leave_document(self, *_args: Any) -> None:
        if self.count > MAX_DIRECTIVES:
            self.report_error(
                limit_error(
                    "max_directives",
                    f"{self.count} directives found. Allowed: {MAX_DIRECTIVES}",
                )
            )


class QueryLimits(SchemaExtension):
    """Installs every document limit on each operation and reports the node count.

    Parsing and the document-only validation rules run once per distinct document text (the
    `documents` cache); only the node count, which depends on the variables, runs per request.
    """

    def __init__(self) -> None:
        self.requested: int | None = None
        self._prepared: PreparedDocument | None = None

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = MAX_TOKENS
        context.validation_rules = (
            *context.validation_rules,
            DepthLimit,
            AliasLimit,
            DirectiveLimit,
        )
        yield

    def on_parse(self) -> Iterator[None]:
        # Parsed here (Strawberry then skips its own parse) so that the token limit is refused
        # as a typed limit error; other syntax errors are left to Strawberry's parse.
        context = self.execution_context
        if context.graphql_document is None and context.query:
            self._prepared = documents.get(context.query)
            if self._prepared is not None:
                context.graphql_document = self._prepared.document
            else:
                try:
                    context.graphql_document = parse(context.query, **context.parse_options)
                except GraphQLError as error:
                    if TOKEN_LIMIT_HINT in error.message:
                        raise limit_error("max_tokens", error.message, error.nodes) from error
                else:
                    self._prepared = documents.put(context.query, context.graphql_document)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            rules = context.validation_rules
            prepared = self._prepared
            if prepared is not None and prepared.valid_under == rules:
                errors: list[GraphQLError] = []
            else:
                errors = list(validate_document(context.schema._schema, document, rules))
                if prepared is not None and not errors:
                    prepared.valid_under = rules  # only success is remembered
            errors += self._node_limit(document)
            context.pre_execution_errors = errors  # Strawberry then skips its own validation
        yield
        if context.pre_execution_errors:
            self.requested = None  # only operations that will run report their cost

    def _node_limit(self, document: DocumentNode) -> list[GraphQLError]:
        execution = self.execution_context
        try:
            count = requested_nodes(
                execution.schema._schema, document, execution.variables, execution.operation_name
            )
        except TooDeepToCost:
            count = MAX_REQUESTED_NODES + 1
        if count > MAX_REQUESTED_NODES:
            return [
                limit_error(
                    "max_nodes",
                    f"This query requests up to {count} nodes. Allowed: "
                    f"{MAX_REQUESTED_NODES} (each connection multiplies its "
                    "children by its first/last, default 20)",
                )
            ]
        self.requested = count
        return []

    def get_results(self) -> dict[str, Any]:
        if self.requested is None:
            return {}
        return {"cost": {"requestedNodes": self.requested, "limit": MAX_REQUESTED_NODES}}


class BodySizeLimit:
    """Refuses a request body over `max_bytes` with HTTP 413 and the envelope.

    It reads the body (at most `max_bytes` + one chunk) before the application sees it, so a
    refused request never reaches authentication, GraphQL or the database.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = header(scope, b"content-length") or ""
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break  # disconnected: let the application see it
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        error = PayloadTooLarge(
            f"Request body is larger than {self.max_bytes} bytes",
            [FieldError(("body",), f"at most {self.max_bytes} bytes", "max_body_size")],
        )
        response = error_response(error, request_id_of(request))
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
