"""The route template a request was served by (`/v1/models/{model_id:path}`), for labels.

Starlette leaves the matched endpoint in the scope; a table built once maps it to its
template. An endpoint shared by several routes (`/readyz`, `/healthz`), and a request that
reached no endpoint (404, a CORS preflight answered by the middleware), is matched against the
paths themselves; what matches nothing is "unmatched".
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from starlette.routing import BaseRoute, Mount, Route

UNMATCHED = "unmatched"


def template_of(route: BaseRoute) -> str | None:
    if isinstance(route, Route):
        return route.path
    if isinstance(route, Mount):
        return route.path or "/"
    return None


class RouteTemplates:
    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = [(r, t) for r in routes if (t := template_of(r)) is not None]
        by_endpoint: dict[int, list[str]] = {}
        for route, template in self.routes:
            endpoint = route.endpoint if isinstance(route, Route) else getattr(route, "app", None)
            by_endpoint.setdefault(id(endpoint), []).append(template)
        self.unique = {key: found[0] for key, found in by_endpoint.items() if len(found) == 1}

    def label(self, scope: MutableMapping[str, Any]) -> str:
        endpoint = scope.get("endpoint")
        if endpoint is not None:
            template = self.unique.get(id(endpoint))
            if template is not None:
                return template
        return self.match(scope["path"]) or UNMATCHED

    def match(self, path: str) -> str | None:
        for route, template in self.routes:
            if route.path_regex.match(path):  # type: ignore[attr-defined]
                return template
        return None
