"""REST compatibility routes: the seed pages' JSON, served by running GraphQL in-process.

Every route runs a document from `operations` through the service's one operation executor
(app/graphql/executor.py) as the caller (the bearer token's viewer, the request id), so data,
visibility and validation are those of `/graphql`; REST answers as REST (no GraphQL media-type
negotiation). GraphQL errors become the envelope as the body with the
HTTP status of their `code`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from app.auth import ANONYMOUS, Viewer
from app.db.failures import upstream_error
from app.errors import CatalogError, InternalError, InvalidRequest, NotFound
from app.graphql.errors import INTERNAL_DETAIL, classify
from app.graphql.executor import OperationExecutor
from app.graphql.pagination import MAX_PAGE_SIZE
from app.http.request_id import request_id_of
from app.http.responses import error_response
from app.rest import operations, shape
from app.rest.export import ExportRoute
from app.rest.openapi import openapi_route
from app.rest.params import (
    COMPARE_QUERY,
    CURRENT_API_VERSION,
    EXPORT_QUERY,
    MODEL_LIST_QUERY,
    VERSION_REF_PATTERN,
    check_api_version,
    check_text,
    parse_compare_versions,
    parse_model_list,
)
from app.rest.spec import Body, Operation, PathParam, json_body
from app.services.export_format import FORMATS, KINDS

logger = logging.getLogger("app.rest")

JSONObject = dict[str, Any]
Handler = Callable[[Request], Awaitable[Any]]

# A bare model id (`gpt-4o`) is looked up by text search; stop after this many pages.
MAX_LOOKUP_PAGES = 5


class RestApi:
    def __init__(self, executor: OperationExecutor) -> None:
        self.executor = executor
        self.export = ExportRoute(executor.sessions)

    async def execute(
        self, request: Request, document: str, variables: dict[str, Any]
    ) -> JSONObject:
        """Run one operation as the caller; the first error is raised as a domain error."""
        viewer: Viewer = getattr(request.state, "viewer", ANONYMOUS)
        request_id = request_id_of(request)
        result = await self.executor.execute(viewer, request_id, document, variables)
        if result.errors:
            error = result.errors[0]
            if error.original_error is None and error.path is None:
                # The schema refused our own document: a server defect, not the client's.
                logger.error("REST operation refused (request %s): %s", request_id, error)
                raise InternalError(INTERNAL_DETAIL)
            raise classify(error)
        data: JSONObject = result.data or {}
        return data

    async def _connection_rest(
        self,
        request: Request,
        document: str,
        variables: dict[str, Any],
        path: tuple[str, ...],
        page_info: JSONObject,
    ) -> list[JSONObject]:
        """Later pages of a connection whose first page is already in hand."""
        nodes: list[JSONObject] = []
        while page_info["hasNextPage"]:
            data = await self.execute(
                request,
                document,
                {**variables, "first": MAX_PAGE_SIZE, "after": page_info["endCursor"]},
            )
            for key in path:
                data = data[key]
            nodes.extend(data["nodes"])
            page_info = data["pageInfo"]
        return nodes

    # --- model ids --------------------------------------------------------------------

    async def resolve_model_id(self, request: Request, model_id: str) -> tuple[str, str]:
        """`org/slug` as is; a bare slug when exactly one visible model has it."""
        if not model_id.strip():
            raise NotFound("Model '' not found")
        if "/" in model_id:
            org, _, name = model_id.partition("/")
            if not org or not name or "/" in name:
                raise NotFound(f"Model '{model_id}' not found")
            return org, name
        matches: list[tuple[str, str]] = []
        after: str | None = None
        for _ in range(MAX_LOOKUP_PAGES):
            data = await self.execute(
                request,
                operations.MODELS_BY_TEXT,
                {"search": model_id, "first": MAX_PAGE_SIZE, "after": after},
            )
            models = data["models"]
            matches.extend(
                (node["organization"]["slug"], node["slug"])
                for node in models["nodes"]
                if node["slug"] == model_id
            )
            if not models["pageInfo"]["hasNextPage"]:
                break
            after = models["pageInfo"]["endCursor"]
        if not matches:
            raise NotFound(f"Model '{model_id}' not found")
        if len(matches) > 1:
            raise InvalidRequest(
                f"Model id '{model_id}' is ambiguous; use one of "
                + ", ".join(f"{org}/{slug}" for org, slug in matches)
            )
        return matches[0]

    # --- registry (seeds 000, 001, 002) ----------------------------------------------

    async def model_latest(self, request: Request) -> JSONObject:
        org, name = request.path_params["org"], request.path_params["name"]
        data = await self.execute(request, operations.MODEL_LATEST, {"org": org, "name": name})
        latest = data["model"]["latestVersion"]
        if latest is None:
            raise NotFound(f"Model '{org}/{name}' has no versions")
        return shape.version_detail(latest)

    async def model_version(self, request: Request) -> JSONObject:
        params = request.path_params
        variables = {"org": params["org"], "name": params["name"], "ref": params["version"]}
        data = await self.execute(request, operations.MODEL_VERSION, variables)
        return shape.version_detail(data["model"]["version"])

    async def model_versions(self, request: Request) -> JSONObject:
        variables = {
            "org": request.path_params["org"],
            "name": request.path_params["name"],
            "first": MAX_PAGE_SIZE,
            "after": None,
        }
        data = await self.execute(request, operations.MODEL_VERSIONS, variables)
        model = data["model"]
        connection = model["versions"]
        versions = connection["nodes"] + await self._connection_rest(
            request,
            operations.MODEL_VERSIONS,
            variables,
            ("model", "versions"),
            connection["pageInfo"],
        )
        return shape.version_list(model["canonicalName"], model["latestVersion"], versions)

    async def compare(self, request: Request) -> JSONObject:
        refs = parse_compare_versions(_query(request))
        variables = {
            "org": request.path_params["org"],
            "name": request.path_params["name"],
            "versions": refs,
        }
        data = await self.execute(request, operations.COMPARE, variables)
        return shape.comparison(data["compareVersions"])

    # --- LLM catalog (seed 003) -----------------------------------------------------

    async def _all_scores(self, request: Request, model: JSONObject) -> list[JSONObject]:
        org, _, name = model["canonicalName"].partition("/")
        connection = model["scores"]
        return connection["nodes"] + await self._connection_rest(  # type: ignore[no-any-return]
            request,
            operations.MODEL_SCORES,
            {"org": org, "name": name},
            ("model", "scores"),
            connection["pageInfo"],
        )

    async def catalog_model(self, request: Request) -> JSONObject:
        org, name = await self.resolve_model_id(request, request.path_params["model_id"])
        variables = {"org": org, "name": name, "scoresFirst": MAX_PAGE_SIZE}
        data = await self.execute(request, operations.CATALOG_MODEL, variables)
        model = data["model"]
        return shape.catalog_model(model, await self._all_scores(request, model))

    async def catalog_models(self, request: Request) -> JSONObject:
        """Up to 200 models: one GraphQL page of ≤ 100, and a second one when asked for more.

        The statement count depends on the number of pages (at most two), never on the number
        of models: every nested field is batched by the request's DataLoaders.
        """
        query = parse_model_list(_query(request))
        variables: dict[str, Any] = {
            "filter": query.filter,
            "orderBy": query.order_by,
            "after": query.cursor,
            "scoresFirst": MAX_PAGE_SIZE,
        }
        remaining = query.limit
        nodes: list[JSONObject] = []
        total = 0
        next_cursor: str | None = None
        while remaining > 0:
            page_size = min(remaining, MAX_PAGE_SIZE)
            data = await self.execute(
                request, operations.CATALOG_MODELS, {**variables, "first": page_size}
            )
            connection = data["models"]
            nodes.extend(connection["nodes"])
            total = connection["totalCount"]
            page_info = connection["pageInfo"]
            next_cursor = page_info["endCursor"] if page_info["hasNextPage"] else None
            if next_cursor is None:
                break
            remaining -= page_size
            variables["after"] = next_cursor
        models = [
            shape.catalog_model(node, await self._all_scores(request, node)) for node in nodes
        ]
        return shape.model_list(models, total, next_cursor)

    # --- marketplace (seed 004) -----------------------------------------------------

    async def marketplace_version(self, request: Request) -> JSONObject:
        org, name = await self.resolve_model_id(request, request.path_params["model_id"])
        variables = {"org": org, "name": name, "ref": request.path_params["version"]}
        data = await self.execute(request, operations.MARKETPLACE_VERSION, variables)
        model = data["model"]
        connection = model["versions"]
        versions = connection["nodes"] + await self._connection_rest(
            request,
            operations.VERSION_STRINGS,
            {"org": org, "name": name},
            ("model", "versions"),
            connection["pageInfo"],
        )
        return shape.marketplace_version(model, [v["version"] for v in versions])

    async def unknown(self, request: Request) -> JSONObject:
        raise NotFound(f"No route {request.url.path}")


def _query(request: Request) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        params.setdefault(key, []).append(value)
    return params


def _endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """The envelope with the real status for every failure; never a traceback."""

    async def endpoint(request: Request) -> Response:
        request_id = getattr(request.state, "request_id", None) or request_id_of(request)
        request.state.request_id = request_id
        response: Response
        try:
            check_api_version(request.headers)
            check_text(request.path_params, _query(request))
            body = await handler(request)
        except CatalogError as error:
            response = error_response(error, request_id)
        except Exception as unexpected:
            logger.exception("internal error (request %s) at %s", request_id, request.url.path)
            failure = upstream_error(unexpected) or InternalError(INTERNAL_DETAIL)
            response = error_response(failure, request_id)
        else:
            response = body if isinstance(body, Response) else JSONResponse(body)
            response.headers["X-Request-ID"] = request_id
        response.headers["X-API-Version"] = CURRENT_API_VERSION
        return response

    return endpoint


ORG = PathParam("org", "Organization slug", example="meta")
NAME = PathParam("name", "Model slug within the organization", example="llama-chat-8b")
MODEL_ID = PathParam(
    "model_id",
    "`org/slug`, or a bare slug when exactly one model the caller can see has it",
    {"type": "string", "minLength": 1},
    example="meta/llama-chat-8b",
)
VERSION = PathParam(
    "version",
    "A semantic version (`1.2.0`) or an alias (`latest`)",
    {"type": "string", "pattern": VERSION_REF_PATTERN},
    example="3.1.0",
)
REGISTRY = "/api/v1/org/{org}/models/{name}"

# (path, RestApi method, operation) in matching order: `/versions` and `/compare` come before
# `/{version}`. `/openapi.json` is generated from this table.
ROUTES: list[tuple[str, str, Operation]] = [
    (
        REGISTRY,
        "model_latest",
        Operation(
            "getModelLatest",
            "Full detail of the latest version of a model",
            "The `latest` alias if set, else the highest non-prerelease, non-deleted version.",
            "registry",
            json_body("VersionDetail"),
            (ORG, NAME),
        ),
    ),
    (
        REGISTRY + "/versions",
        "model_versions",
        Operation(
            "listModelVersions",
            "Every version of a model, newest first, and the latest",
            "Versions the caller can see, newest first by semver precedence.",
            "registry",
            json_body("VersionList"),
            (ORG, NAME),
        ),
    ),
    (
        REGISTRY + "/compare",
        "compare",
        Operation(
            "compareModelVersions",
            "Several versions of a model side by side",
            "`metric_keys` is the sorted union of the metric keys of the versions compared.",
            "registry",
            json_body("VersionComparison"),
            (ORG, NAME),
            COMPARE_QUERY,
            (404, 422),
        ),
    ),
    (
        REGISTRY + "/{version}",
        "model_version",
        Operation(
            "getModelVersion",
            "Full detail of one version of a model",
            "A version by its version string or an alias.",
            "registry",
            json_body("VersionDetail"),
            (ORG, NAME, VERSION),
        ),
    ),
    (
        "/v1/models",
        "catalog_models",
        Operation(
            "listModels",
            "Models of the LLM catalog, filtered and ordered, a page at a time",
            "Up to `limit` models; `next_cursor` continues the listing.",
            "catalog",
            json_body("ModelList"),
            (),
            MODEL_LIST_QUERY,
            (422,),
            links={"getModel": {"model_id": "$response.body#/models/0/id"}},
        ),
    ),
    (
        "/v1/models/{model_id:path}",
        "catalog_model",
        Operation(
            "getModel",
            "One model of the LLM catalog with its prices and scores",
            "Organization, license, providers and their per-million-token prices, benchmark "
            "scores, top scores, sources, family, context window, parameter count, release date.",
            "catalog",
            json_body("CatalogModel"),
            (MODEL_ID,),
            links={
                "getMarketplaceVersion": {"model_id": "$response.body#/id", "version": "latest"}
            },
        ),
    ),
    (
        "/api/models/{model_id:path}/versions/{version}",
        "marketplace_version",
        Operation(
            "getMarketplaceVersion",
            "A model version as the marketplace shows it",
            "Lifecycle status, requirements, timeouts, container image, inputs and outputs, "
            "statistics, samples, and the parent model's metadata.",
            "marketplace",
            json_body("MarketplaceVersion"),
            (MODEL_ID, VERSION),
        ),
    ),
]
EXPORT_KIND = PathParam(
    "kind", "What to export", {"type": "string", "enum": list(KINDS)}, example="models"
)
EXPORT_FORMAT = PathParam(
    "format",
    "`jsonl`: one JSON object per line; `csv`: a header line, then one row per line",
    {"type": "string", "enum": list(FORMATS)},
    example="csv",
)
ROUTES.append(
    (
        "/v1/export/{kind}.{format}",
        "export",
        Operation(
            "exportRows",
            "Every row of a kind the caller can see, streamed",
            "Models, versions, benchmark scores or prices (current, or in effect at the end of "
            "`as_of`), in primary-key order. Anonymous callers get public rows; a token also "
            "its organization's private ones. The README's \"Bulk export\" lists the columns.",
            "export",
            (
                Body("application/x-ndjson", {"type": "string"}),
                Body("text/csv", {"type": "string"}),
            ),
            (EXPORT_KIND, EXPORT_FORMAT),
            EXPORT_QUERY,
            (404, 422),
        ),
    )
)
# Anything else under the REST prefixes is the envelope's 404 (not in the document).
CATCH_ALL = ("/api/{rest:path}", "/v1/{rest:path}")


def documented_routes() -> list[tuple[str, Operation]]:
    return [(path, operation) for path, _, operation in ROUTES]


def rest_routes(executor: OperationExecutor) -> list[BaseRoute]:
    """The REST routes (their table: ROUTES) and `/openapi.json`."""
    api = RestApi(executor)
    routes: list[BaseRoute] = [
        Route("/openapi.json", openapi_route(documented_routes()), methods=["GET"])
    ]
    routes += [
        Route(path, _endpoint(getattr(api, method)), methods=["GET"]) for path, method, _ in ROUTES
    ]
    routes += [Route(path, _endpoint(api.unknown), methods=["GET"]) for path in CATCH_ALL]
    return routes
