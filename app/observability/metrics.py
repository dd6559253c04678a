"""The service's Prometheus metrics (prometheus-client), defined once per process.

Under `catalog serve --workers N` (N > 1), or whenever `PROMETHEUS_MULTIPROC_DIR` is set,
prometheus-client's multiprocess mode keeps every value in a file of that directory, and
`/metrics` adds up all processes (gauges: the live ones). Label values are bounded: routes are
route templates, operation names are capped (`labels.operation_label`), statuses are numbers.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "catalog_http_requests",
    "HTTP requests answered, by route template, method, GraphQL operation name and status.",
    ["route", "method", "operation", "status"],
)
REQUEST_SECONDS = Histogram(
    "catalog_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response body.",
    ["route", "operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SQL_STATEMENTS = Counter(
    "catalog_sql_statements",
    "SQL statements run while serving requests (transaction control not counted).",
    ["route", "operation"],
)
SQL_STATEMENTS_PER_REQUEST = Histogram(
    "catalog_sql_statements_per_request",
    "SQL statements one request ran (transaction control not counted).",
    ["route"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
)
POOL_IN_USE = Gauge(
    "catalog_db_pool_connections_in_use",
    "Database connections checked out of the pool (summed over live workers).",
    multiprocess_mode="livesum",
)
POOL_OVERFLOW = Gauge(
    "catalog_db_pool_overflow_connections",
    "Connections open beyond the pool's size (summed over live workers).",
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "catalog_db_pool_size",
    "Connections the pool keeps (summed over live workers).",
    multiprocess_mode="livesum",
)
CACHE_HITS = Counter("catalog_cache_hits", "Cache lookups that found an entry.", ["cache"])
CACHE_MISSES = Counter("catalog_cache_misses", "Cache lookups that found nothing.", ["cache"])
RESPONSE_CACHE_EVICTIONS = Gauge(
    "catalog_response_cache_evictions",
    "Response-cache entries pushed out by its byte cap since the worker started (summed).",
    multiprocess_mode="livesum",
)
RESPONSE_CACHE_ENTRIES = Gauge(
    "catalog_response_cache_entries",
    "Entries the response cache holds (summed over live workers).",
    multiprocess_mode="livesum",
)
RESPONSE_CACHE_BYTES = Gauge(
    "catalog_response_cache_bytes",
    "Bytes the response cache holds, compressed forms included (summed over live workers).",
    multiprocess_mode="livesum",
)
RATE_LIMIT_REFUSALS = Counter(
    "catalog_rate_limit_refusals", "Requests refused with 429 by the per-client rate limit."
)
RATE_LIMIT_UNCHECKED = Counter(
    "catalog_rate_limit_unchecked_requests",
    "Requests let through unlimited because the rate-limit backend (Redis) did not answer.",
)
IMPORT_RUNS = Counter(
    "catalog_import_runs",
    "`catalog import` runs, by source and outcome (ok, skipped_rows, unreadable, failed).",
    ["source", "outcome"],
)
IMPORT_ROWS = Counter(
    "catalog_import_rows",
    "Rows of import runs, by source, kind of row and result (created, updated, unchanged, "
    "skipped).",
    ["source", "kind", "result"],
)
