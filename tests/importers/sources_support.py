"""Where the real public data sets are, for the parser tests (never copied into the project)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.databases import in_ci

REPO_ROOT = Path(__file__).resolve().parents[2]


def datasets_dir() -> Path:
    """`CATALOG_DATASETS_DIR`, else `<repo>/../shared/datasets`; skips the test where the data is
    absent, except under CI=true where that is a failure."""
    root = Path(os.environ.get("CATALOG_DATASETS_DIR") or REPO_ROOT.parent / "shared" / "datasets")
    if not root.is_dir():
        reason = f"the public data sets are not at {root} (set CATALOG_DATASETS_DIR)"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return root
