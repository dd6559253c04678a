"""`GET /metrics`: the Prometheus text format, for this process or (multiprocess mode) for all
worker processes added up."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.observability.caches import sync_caches
from app.observability.multiprocess import MULTIPROC_DIR_VARIABLE
from app.observability.sql import refresh_pool_gauges
from app.observability.wiring import refresh_response_cache_gauges


def _exposition() -> bytes:
    if os.environ.get(MULTIPROC_DIR_VARIABLE):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


async def metrics_endpoint(_: Request) -> Response:
    sync_caches()
    refresh_pool_gauges()
    refresh_response_cache_gauges()
    return Response(
        _exposition(), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
    )


def metrics_routes() -> list[Route]:
    return [Route("/metrics", metrics_endpoint, methods=["GET"])]
