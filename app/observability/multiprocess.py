"""prometheus-client's multiprocess mode for `catalog serve --workers N`.

Each worker keeps its values in files of `PROMETHEUS_MULTIPROC_DIR`; `/metrics`, whichever
worker answers it, adds them up. The variable must be set before a worker imports
prometheus-client: `catalog serve` does it before starting the workers. With more than one
worker and no directory given it makes a private one (removed when the server stops); a
directory given is used with any number of workers, and `catalog import` run with the same
directory adds its import counters to what `/metrics` shows. The directory is emptied when the
server starts (its files would otherwise count a previous run).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def _empty(directory: Path) -> None:
    for file in directory.glob("*.db"):
        file.unlink(missing_ok=True)


@contextmanager
def multiprocess_metrics(workers: int) -> Iterator[Path | None]:
    """Set up the metrics directory for a server of `workers` processes; None: not needed."""
    given = os.environ.get(MULTIPROC_DIR_VARIABLE)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        _empty(directory)
        yield directory
        return
    if workers <= 1:
        yield None
        return
    directory = Path(tempfile.mkdtemp(prefix="catalog-metrics-"))
    os.environ[MULTIPROC_DIR_VARIABLE] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROC_DIR_VARIABLE, None)
        shutil.rmtree(directory, ignore_errors=True)


def ensure_directory() -> None:
    """For short-lived commands (`catalog import`): the directory, if one is named, exists."""
    given = os.environ.get(MULTIPROC_DIR_VARIABLE)
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)


def worker_stopped() -> None:
    """A worker shutting down: its live gauges (pool) stop counting in the sums."""
    if os.environ.get(MULTIPROC_DIR_VARIABLE):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
