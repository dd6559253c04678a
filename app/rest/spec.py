"""What a REST route is, besides its handler: the facts `/openapi.json` is generated from.

Each route of `routes.ROUTES` carries an `Operation`; the path parameters come from the route's
own path template, the query parameters from the same `QueryParam` declarations the parsers in
`params` check against, so the document cannot drift from what the routes accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

JSONSchema = dict[str, Any]

# `{name}` or `{name:converter}` in a Starlette path template.
_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z_]+)?}")


@dataclass(frozen=True)
class QueryParam:
    name: str
    schema: JSONSchema
    description: str
    required: bool = False
    example: Any = None


@dataclass(frozen=True)
class PathParam:
    name: str
    description: str
    schema: JSONSchema = field(default_factory=lambda: {"type": "string", "minLength": 1})
    # A value of the demo catalog (`catalog seed`), for readers and for contract tests.
    example: str | None = None


@dataclass(frozen=True)
class Body:
    """One media type of a successful answer: a JSON schema component, or a stream of text."""

    media_type: str
    schema: JSONSchema


@dataclass(frozen=True)
class Operation:
    operation_id: str
    summary: str
    description: str
    tag: str
    bodies: tuple[Body, ...]
    path_params: tuple[PathParam, ...] = ()
    query: tuple[QueryParam, ...] = ()
    # Statuses this route answers besides 200 and those every route can answer.
    statuses: tuple[int, ...] = (404,)
    # OpenAPI links of the 200 answer: operation id → {parameter: runtime expression}.
    links: dict[str, dict[str, str]] = field(default_factory=dict)


def path_template(path: str) -> str:
    """A Starlette path as an OpenAPI path: `{model_id:path}` → `{model_id}`."""
    return _PATH_PARAM.sub(lambda m: "{" + m.group(1) + "}", path)


def path_param_names(path: str) -> list[str]:
    return _PATH_PARAM.findall(path)


def json_body(component: str) -> tuple[Body, ...]:
    return (Body("application/json", {"$ref": f"#/components/schemas/{component}"}),)
