"""Import runs and their rows as Prometheus counters (`catalog_import_runs_total`,
`catalog_import_rows_total`). `catalog import` is its own process: its counters reach a
server's `/metrics` when both run with the same `PROMETHEUS_MULTIPROC_DIR`."""

from __future__ import annotations

from app.importers.report import ImportReport
from app.observability.metrics import IMPORT_ROWS, IMPORT_RUNS

RESULTS = ("created", "updated", "unchanged")


def record_run(report: ImportReport) -> None:
    """A run that was written: its rows by kind and result, and skipped rows."""
    for kind, tally in report.tallies.items():
        for result in RESULTS:
            if tally[result]:
                IMPORT_ROWS.labels(report.source, kind, result).inc(tally[result])
    if report.problems:
        IMPORT_ROWS.labels(report.source, "any", "skipped").inc(len(report.problems))
    IMPORT_RUNS.labels(report.source, "skipped_rows" if report.problems else "ok").inc()


def record_failure(source: str, outcome: str) -> None:
    """A run that wrote nothing: `unreadable` (a file did not parse) or `failed`."""
    IMPORT_RUNS.labels(source, outcome).inc()
