"""scripts/bench runs end to end: every operation answers and is measured (no timing asserted)."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _bench_module():
    spec = importlib.util.spec_from_file_location("bench_api", ROOT / "scripts/bench_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_api"] = module
    spec.loader.exec_module(module)
    return module


async def test_bench_measures_every_operation_on_sqlite():
    bench = _bench_module()
    report = await bench.run_benchmark(requests=2, concurrency=2, scale=1, backends=["sqlite"])
    names = [op.name for op in bench.OPERATIONS]
    for mode in ("sequential", "concurrent x2"):
        rows = {r.operation: r for r in report.rows if r.mode == mode}
        assert sorted(rows) == sorted(names), (mode, sorted(rows))
        assert all(r.backend == "sqlite" and r.requests == 2 for r in rows.values())
        assert rows[bench.BASELINE].vs_baseline == 1.0
        for name, row in rows.items():
            if name != bench.BASELINE:
                assert row.statements_per_request > 0, (mode, name)
    table = bench.format_table(report)
    assert all(name in table for name in names)
    assert report.models["sqlite"] > 0 and report.skipped == []
