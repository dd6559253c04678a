"""`/openapi.json`: the OpenAPI 3.1 document of the REST routes, generated from their table.

Paths and path parameters come from each route's path template, query parameters from the
`QueryParam` declarations its parser checks against, answers from `openapi_schemas`; every
route documents the error envelope for each status it can answer (the seed's list, plus 503
for a database that is not migrated).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.rest.openapi_schemas import COMPONENTS
from app.rest.params import CURRENT_API_VERSION, VERSION_HEADERS
from app.rest.spec import Operation, PathParam, path_param_names, path_template

JSONObject = dict[str, Any]

OPENAPI_VERSION = "3.1.0"
# Statuses any REST route can answer, whatever its parameters.
COMMON_STATUSES = (400, 401, 426, 429, 500, 502, 503, 504)
STATUS_TEXT = {
    400: "Invalid request",
    401: "Authentication failed",
    403: "Access forbidden",
    404: "Not found",
    409: "Already exists",
    422: "Validation error",
    426: "Upgrade required",
    429: "Rate limited",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Database schema not migrated",
    504: "Gateway timeout",
}
REQUEST_ID = {
    "description": "The request's id: the caller's X-Request-ID when sane, else a new one.",
    "schema": {"type": "string"},
}
API_VERSION_HEADERS = [
    {
        "name": name,
        "in": "header",
        "required": False,
        "description": "API version (`1`, `1.0`, `v1`); absent means the current one. An older "
        "major version is 426, a malformed or unknown one 400.",
        "schema": {"type": "string", "pattern": r"^v?[0-9]{1,4}(\.[0-9]{1,4})?$"},
    }
    for name in VERSION_HEADERS
]


def _path_parameters(path: str, declared: Sequence[PathParam]) -> list[JSONObject]:
    by_name = {param.name: param for param in declared}
    names = path_param_names(path)
    missing = [name for name in names if name not in by_name]
    if missing:
        raise ValueError(f"route {path}: undocumented path parameters {missing}")
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": by_name[name].description,
            "schema": by_name[name].schema,
            **({"example": by_name[name].example} if by_name[name].example else {}),
        }
        for name in names
    ]


def _responses(operation: Operation) -> JSONObject:
    success_headers = {
        "X-Request-ID": REQUEST_ID,
        "X-API-Version": {
            "description": "The API version that answered",
            "schema": {"type": "string"},
        },
    }
    responses: JSONObject = {
        "200": {
            "description": operation.summary,
            "headers": success_headers,
            "content": {body.media_type: {"schema": body.schema} for body in operation.bodies},
        }
    }
    if operation.links:
        responses["200"]["links"] = {
            target: {"operationId": target, "parameters": parameters}
            for target, parameters in operation.links.items()
        }
    for status in sorted({*operation.statuses, *COMMON_STATUSES}):
        responses[str(status)] = {
            "description": STATUS_TEXT[status],
            "headers": {"X-Request-ID": REQUEST_ID},
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}
            },
        }
    return responses


def _operation(path: str, operation: Operation) -> JSONObject:
    parameters = _path_parameters(path, operation.path_params)
    parameters += [
        {
            "name": param.name,
            "in": "query",
            "required": param.required,
            "description": param.description,
            "schema": param.schema,
            **({"style": "form", "explode": True} if param.schema.get("type") == "array" else {}),
            **({"example": param.example} if param.example is not None else {}),
        }
        for param in operation.query
    ]
    parameters += API_VERSION_HEADERS
    return {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "description": operation.description,
        "tags": [operation.tag],
        "parameters": parameters,
        "responses": _responses(operation),
    }


def build_document(routes: Sequence[tuple[str, Operation]]) -> JSONObject:
    """The document for `(Starlette path, Operation)` pairs, in route order."""
    paths: JSONObject = {}
    for path, operation in routes:
        paths.setdefault(path_template(path), {})["get"] = _operation(path, operation)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Model Catalog REST API",
            "version": CURRENT_API_VERSION,
            "description": "The seed pages' REST routes, served from the same data, access "
            "rules and errors as `/graphql`. Anonymous callers see public data; a bearer token "
            "also sees its organization's private models and versions. Every failure is the "
            "error envelope `{code, type, detail, errors?, requestId}`.",
        },
        "servers": [{"url": "/"}],
        "security": [{}, {"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": COMPONENTS,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token (`catalog token create`).",
                }
            },
        },
    }


def openapi_route(routes: Sequence[tuple[str, Operation]]) -> Any:
    """The `/openapi.json` endpoint (the document is built once, on first request)."""

    @cache
    def document() -> JSONObject:
        return build_document(routes)

    async def endpoint(request: Request) -> Response:
        return JSONResponse(document())

    return endpoint
