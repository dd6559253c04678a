"""Import throughput: full llm-stats and LiteLLM (2026 snapshot) on SQLite and PostgreSQL.

Each (backend, source) gets a fresh database (SQLite: a temp file; PostgreSQL: a database
created here and dropped afterwards), migrated with Alembic. Each import runs twice: the first
writes everything, the second is the idempotent no-op. Rows = records the parser produced.
Figures are ratios against baselines measured in the same run (the machine is shared, so
absolute seconds mean little): PostgreSQL vs SQLite for the same source and run, and the second
(no-op) run vs the first.

Environment: CATALOG_DATASETS_DIR (default ../shared/datasets), CATALOG_BENCH_POSTGRES_URL
(default $CATALOG_TEST_POSTGRES_URL or postgresql+asyncpg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.db.engine import create_engine, create_sessionmaker  # noqa: E402
from app.db.migrate import upgrade_engine  # noqa: E402
from app.importers import run  # noqa: E402

DATASETS = Path(os.environ.get("CATALOG_DATASETS_DIR") or ROOT.parent / "shared/datasets")
PG_URL = os.environ.get(
    "CATALOG_BENCH_POSTGRES_URL",
    os.environ.get(
        "CATALOG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
    ),
)
CASES = [
    ("llm-stats", DATASETS / "llm-stats"),
    ("litellm", DATASETS / "litellm/2026-07-24/model_prices_and_context_window.json"),
]


@dataclass
class Result:
    backend: str
    source: str
    rows: int
    first: float
    second: float


def _dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url)
    if database:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(_dsn(PG_URL), timeout=5)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _rows(parsed: run.ParsedSource) -> int:
    return sum(
        len(x)
        for x in (
            parsed.organizations,
            parsed.licenses,
            parsed.models,
            parsed.benchmarks,
            parsed.scores,
            parsed.prices,
            parsed.versions,
        )
    )


async def _measure(url: str, backend: str, source: str, path: Path) -> Result:
    engine = create_engine(url)
    try:
        await upgrade_engine(engine)
        sessions = create_sessionmaker(engine)
        times = []
        rows = 0
        for _ in range(2):
            start = time.perf_counter()
            parsed = run.parse(source, path)
            report = await run.write(sessions, parsed, path)
            times.append(time.perf_counter() - start)
            rows = _rows(parsed)
        assert not report.changed, "the second run must be a no-op"
        return Result(backend, source, rows, times[0], times[1])
    finally:
        await engine.dispose()


async def _sqlite(source: str, path: Path) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        return await _measure(f"sqlite+aiosqlite:///{tmp}/bench.db", "sqlite", source, path)


async def _postgres(source: str, path: Path) -> Result:
    name = f"catalog_bench_{os.getpid()}_{secrets.token_hex(3)}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        return await _measure(url, "postgresql", source, path)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def main() -> int:
    if not (DATASETS / "llm-stats").is_dir():
        print(f"datasets not found at {DATASETS} (set CATALOG_DATASETS_DIR)", file=sys.stderr)
        return 2
    results: list[Result] = []
    pg_reason = None
    try:
        await _admin("SELECT 1")
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        pg_reason = f"PostgreSQL at {PG_URL} not reachable ({exc.__class__.__name__})"
    for source, path in CASES:
        results.append(await _sqlite(source, path))
        if pg_reason is None:
            results.append(await _postgres(source, path))
    baseline = {r.source: r for r in results if r.backend == "sqlite"}
    header = (
        f"{'backend':<11} {'source':<10} {'rows':>6} {'1st rows/s':>11} {'2nd rows/s':>11} "
        f"{'2nd/1st time':>13} {'1st time vs SQLite':>19}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        base = baseline[r.source]
        print(
            f"{r.backend:<11} {r.source:<10} {r.rows:>6} {r.rows / r.first:>11.0f} "
            f"{r.rows / r.second:>11.0f} {r.second / r.first:>12.2f}x "
            f"{r.first / base.first:>18.2f}x"
        )
    if pg_reason:
        print(f"(PostgreSQL skipped: {pg_reason})")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
