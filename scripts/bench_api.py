"""API latency: named GraphQL and REST operations on SQLite and PostgreSQL, in-process.

Each backend gets a fresh database (SQLite: a temp file; PostgreSQL: a database created here and
dropped afterwards), migrated with Alembic and loaded with the demo catalog (`seeds/`),
optionally scaled to about ten times its models with the synthetic catalog of
tests/test_statement_counts.py (`tests.factories.add_catalog`). The app runs in this process
behind `httpx.ASGITransport` (no sockets), first sequentially, then with C concurrent clients.
Warm-up requests (one round of every operation) are not measured.

The machine is shared, so absolute milliseconds mean little: figures are ratios against
baselines measured in the same run: the median latency of an operation vs the baseline
operation (`{ __typename }`) on the same backend and mode, and PostgreSQL vs SQLite for the same
operation and mode. SQL statements per request are counted with a `before_cursor_execute`
listener (PRAGMA/BEGIN/COMMIT/ROLLBACK excluded, as in tests/conftest.py).

Environment: CATALOG_BENCH_POSTGRES_URL (default $CATALOG_TEST_POSTGRES_URL or
postgresql+asyncpg://postgres@127.0.0.1:5432/test); the script connects to it only to create and
drop its own database.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import math
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import httpx
from sqlalchemy import event, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.commands.seed import load_seeds  # noqa: E402
from app.db.engine import create_engine, create_sessionmaker  # noqa: E402
from app.db.migrate import upgrade_engine  # noqa: E402
from app.db.tables import ModelRow, ModelVersionRow  # noqa: E402
from app.main import create_app  # noqa: E402
from app.settings import PROJECT_ROOT, Settings  # noqa: E402

PG_URL = os.environ.get(
    "CATALOG_BENCH_POSTGRES_URL",
    os.environ.get(
        "CATALOG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    ),
)
BASELINE = "baseline"

MODEL_DETAIL = """
{
  model(org: "meta", name: "llama-3-1-70b-instruct") {
    canonicalName name paramCount contextWindow releaseDate openWeight
    organization { name } license { name allowCommercial } family { name }
    providers { providerName inputPricePerM outputPricePerM }
    topScores(limit: 5) { benchmarkName score normalizedScore isSelfReported sourceUrl }
    latestVersion { version }
  }
}
"""

# The deep page whose statement count tests/test_statement_counts.py pins: the benchmark
# measures the very query the test holds constant (loaded at run time, like tests.factories).
MODELS_PAGE: str = importlib.import_module("tests.test_statement_counts").DEEP

LEADERBOARD = """
{
  leaderboard(benchmark: "mmlu", first: 20) {
    totalCount
    edges { node { rank normalizedScore model { canonicalName } score { score sourceUrl } } }
  }
}
"""

COMPARE_VERSIONS = """
{
  compareVersions(org: "mistral", name: "mistral-7b-instruct", versions: ["0.1.0", "latest"]) {
    name metricKeys versions { version } metrics { key values }
  }
}
"""

FRONTIER = """
{
  frontier(benchmark: "mmlu", inputOutputRatio: 3, first: 20) {
    edges { node { blendedPrice normalizedScore model { canonicalName }
                   cheapestProvider { providerId } } }
  }
}
"""


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    path: str
    body: dict[str, Any] | None = None


def _gql(name: str, query: str, variables: dict[str, Any] | None = None) -> Operation:
    return Operation(name, "POST", "/graphql", {"query": query, "variables": variables or {}})


OPERATIONS = [
    _gql(BASELINE, "{ __typename }"),
    _gql("model detail", MODEL_DETAIL),
    _gql("models page (50, deep)", MODELS_PAGE, {"first": 50}),
    _gql("leaderboard", LEADERBOARD),
    _gql("compareVersions", COMPARE_VERSIONS),
    _gql("frontier", FRONTIER),
    Operation("REST /v1/models?limit=50", "GET", "/v1/models?limit=50"),
]


@dataclass
class Row:
    backend: str
    mode: str
    operation: str
    requests: int
    median_ms: float
    p95_ms: float
    requests_per_s: float
    statements_per_request: float
    vs_baseline: float = math.nan
    vs_sqlite: float | None = None


@dataclass
class Report:
    scale: int
    requests: int
    concurrency: int
    models: dict[str, int] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class Counter:
    def __init__(self) -> None:
        self.count = 0


@contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[Counter]:
    counter = Counter()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("PRAGMA", "BEGIN", "COMMIT", "ROLLBACK")):
            counter.count += 1

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def _call(http: httpx.AsyncClient, op: Operation) -> None:
    response = await http.request(op.method, op.path, json=op.body)
    if response.status_code != 200:
        raise RuntimeError(f"{op.name}: HTTP {response.status_code}: {response.text[:300]}")
    if op.path == "/graphql":
        body = response.json()
        if body.get("errors"):
            raise RuntimeError(f"{op.name}: {body['errors']}")


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)]


async def _run_op(
    engine: AsyncEngine, http: httpx.AsyncClient, op: Operation, requests: int, concurrency: int
) -> tuple[list[float], float, int]:
    """Latencies (s), wall time (s) and statements for `requests` calls by `concurrency` clients."""
    latencies: list[float] = []
    remaining = iter(range(requests))

    async def client() -> None:
        for _ in remaining:
            start = time.perf_counter()
            await _call(http, op)
            latencies.append(time.perf_counter() - start)

    with count_statements(engine) as counter:
        start = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    return latencies, wall, counter.count


async def _scale(engine: AsyncEngine, scale: int) -> int:
    """Makes the versioned demo models lead the DOWNLOADS order (as the statement-count test
    does) and, for scale > 1, adds synthetic models until there are `scale` times as many."""
    async with engine.begin() as connection:
        await connection.execute(
            update(ModelRow)
            .where(ModelRow.id.in_(select(ModelVersionRow.model_id)))
            .values(download_count=1)
        )
        demo = int(await connection.scalar(select(func.count()).select_from(ModelRow)) or 0)
    if scale > 1:
        # The statement-count test's multiplier (5 models per organization, with versions,
        # files, metrics, aliases, scores and prices); loaded at run time so that the typed
        # script does not type-check the (loosely typed) test helpers.
        factories = importlib.import_module("tests.factories")
        await factories.add_catalog(engine, organizations=math.ceil((scale - 1) * demo / 5))
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(ModelRow)) or 0)


async def _measure(url: str, backend: str, report: Report) -> None:
    engine = create_engine(url)
    try:
        await upgrade_engine(engine)
        await load_seeds(create_sessionmaker(engine), PROJECT_ROOT / "seeds")
        report.models[backend] = await _scale(engine, report.scale)
        settings = Settings(database_url=url)
        app = create_app(settings, engine)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://catalog.test") as http:
            for op in OPERATIONS:  # warm-up: caches, pools, first-call costs; not measured
                await _call(http, op)
            modes = [("sequential", 1)]
            if report.concurrency > 1:
                modes.append((f"concurrent x{report.concurrency}", report.concurrency))
            for mode, clients in modes:
                for op in OPERATIONS:
                    latencies, wall, statements = await _run_op(
                        engine, http, op, report.requests, clients
                    )
                    report.rows.append(
                        Row(
                            backend=backend,
                            mode=mode,
                            operation=op.name,
                            requests=len(latencies),
                            median_ms=statistics.median(latencies) * 1000,
                            p95_ms=_percentile(latencies, 0.95) * 1000,
                            requests_per_s=len(latencies) / wall,
                            statements_per_request=statements / len(latencies),
                        )
                    )
    finally:
        await engine.dispose()


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_dsn(PG_URL), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def _sqlite(report: Report) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        await _measure(f"sqlite+aiosqlite:///{tmp}/bench.db", "sqlite", report)


async def _postgres(report: Report) -> None:
    try:
        await _admin("SELECT 1")
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        report.skipped.append(f"PostgreSQL at {PG_URL} not reachable ({exc.__class__.__name__})")
        return
    name = f"catalog_bench_{os.getpid()}_{secrets.token_hex(3)}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        await _measure(url, "postgresql", report)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ratios(report: Report) -> None:
    by_key = {(r.backend, r.mode, r.operation): r for r in report.rows}
    for r in report.rows:
        r.vs_baseline = r.median_ms / by_key[(r.backend, r.mode, BASELINE)].median_ms
        sqlite = by_key.get(("sqlite", r.mode, r.operation))
        if r.backend != "sqlite" and sqlite is not None:
            r.vs_sqlite = r.median_ms / sqlite.median_ms


async def run_benchmark(
    *, requests: int, concurrency: int, scale: int, backends: list[str]
) -> Report:
    """Measures every operation on each backend; the core of `scripts/bench`."""
    report = Report(scale=scale, requests=requests, concurrency=concurrency)
    runners: dict[str, Callable[[Report], Awaitable[None]]] = {
        "sqlite": _sqlite,
        "postgresql": _postgres,
    }
    for backend in backends:
        await runners[backend](report)
    _ratios(report)
    return report


def format_table(report: Report) -> str:
    header = (
        f"{'backend':<10} {'mode':<13} {'operation':<25} {'reqs':>5} {'median ms':>9} "
        f"{'p95 ms':>8} {'req/s':>7} {'SQL/req':>7} {'vs base':>8} {'vs SQLite':>9}"
    )
    lines = [
        f"scale x{report.scale}, {report.requests} requests per operation and mode, "
        f"concurrency {report.concurrency}; models: "
        + ", ".join(f"{b} {n}" for b, n in report.models.items()),
        header,
        "-" * len(header),
    ]
    for r in report.rows:
        vs_sqlite = f"{r.vs_sqlite:>8.2f}x" if r.vs_sqlite is not None else f"{'':>9}"
        lines.append(
            f"{r.backend:<10} {r.mode:<13} {r.operation:<25} {r.requests:>5} {r.median_ms:>9.2f} "
            f"{r.p95_ms:>8.2f} {r.requests_per_s:>7.1f} {r.statements_per_request:>7.1f} "
            f"{r.vs_baseline:>7.1f}x {vs_sqlite}".rstrip()
        )
    lines.extend(f"({reason}; skipped)" for reason in report.skipped)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=50, help="measured requests per op/mode")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent clients (1: none)")
    parser.add_argument("--scale", type=int, choices=[1, 10], default=1, help="demo catalog xN")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql", "all"], default="all", help="databases"
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")
    backends = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]
    report = asyncio.run(
        run_benchmark(
            requests=args.requests,
            concurrency=args.concurrency,
            scale=args.scale,
            backends=backends,
        )
    )
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    else:
        print(format_table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
