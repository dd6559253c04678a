"""Epoch AI: the Benchmarking Hub export and the "Notable AI Models" table (CC BY 4.0).

PATH is the benchmarks directory (`epoch-benchmarks/benchmark_data`), one of its CSV files, the
notable-models CSV (`notable-ai-models.csv`), or a directory holding that CSV. A file is told
apart by its header: notable models have `Model` and `Publication date`; benchmark files have
`Model version` and the score column listed for their file name in `epoch_specs.SPECS`.

Benchmark rows (documented choices):
- model: `Model version` kept verbatim as the external id (source "epoch"); its reasoning
  effort or thinking budget suffix (`_high`, `_32K`, `_unknown`, `_thinking`, ...) is also put
  first in the score's `variant`, so the model resolves to the base model and each effort stays
  a separate score. The run settings of the row (`Shots`, `Agent`, `Scaffold`, `Tools`,
  `Prompt`, `LiveBench Version`) follow as `shots=5`, `agent=Droid`, joined by ", ". Rows that
  still share (model, variant) in one file get ` #<row id>` appended (the `id`/`ID`/`UUID`
  column, else the line number), so nothing is silently merged.
- scale: see `epoch_specs` (fraction x100, 0-100 as is, 0-10 x10, unbounded -> None). A value
  outside its bounded scale is a problem.
- uncertainty: one standard error (`stderr`, `... Standard Error`, `Accuracy SE`) on the
  normalized 0-100 scale; for unbounded scales, on the score's own scale: the half-width of the
  95% interval (WebDev Arena's `+11/-11` in Elo points, METR's `(CI_high - CI_low) / 2` minutes).
- kind: THIRD_PARTY, except an external row whose source link is on the model's own vendor's
  site (`epoch_specs.VENDOR_HOSTS`), which is SELF_REPORTED. Epoch's own runs are THIRD_PARTY.
- scored_at: `Started at` (Epoch runs) or the file's run/added date column, else None.
- source_url: `Log viewer` (else `Logs`) for Epoch runs; `Source link` for external rows.
- rows with no `Model version` (Epoch did not link them to a model) and rows whose score cell is
  empty (e.g. 260 of the 543 capabilities-index rows) are left out on purpose: counted in
  `notes`, not problems. A score cell that is not a number is a problem with its line.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from app.importers import parsing as p
from app.importers import tabular as t
from app.importers.records import (
    BenchmarkRecord,
    ModelRef,
    ParsedSource,
    Problem,
    ScoreKind,
    ScoreRecord,
    UnreadableSource,
)
from app.importers.sources import epoch_notable
from app.importers.sources.epoch_specs import (
    DATE_COLUMNS,
    ROW_ID_COLUMNS,
    SCALE_MAX,
    SETTING_COLUMNS,
    SOURCE_LINK_COLUMNS,
    SPECS,
    VENDOR_HOSTS,
    FileSpec,
    Scale,
)
from app.services.identity import split_effort

SOURCE = "epoch"

MODEL_COLUMN = "Model version"


def parse(path: Path, observed_at: date | None = None) -> ParsedSource:
    out = ParsedSource(source=SOURCE)
    if path.is_dir():
        if not any(path.glob("*.csv")) and (path / "benchmark_data").is_dir():
            path = path / "benchmark_data"  # the export's top folder
        files = sorted(path.glob("*.csv"))
        if not files:
            raise UnreadableSource(str(path), "no CSV files in this directory")
        for file in files:
            _parse_file(file, out, single=False)
    else:
        _parse_file(path, out, single=True)
    return p.date_undated(out, observed_at)


def _parse_file(file: Path, out: ParsedSource, *, single: bool) -> None:
    header, rows = t.read_rows(file, required=())
    if "Model" in header and "Publication date" in header:
        epoch_notable.parse_rows(file, header, rows, out)
        return
    stem = file.stem
    spec = SPECS.get(stem)
    if spec is None and "mean_score" in header:  # an Epoch-run file newer than this table
        slug = stem.replace("_", "-")
        spec = FileSpec("mean_score", "fraction", slug, stem, uncertainty="stderr")
    if spec is None:
        if single:
            raise UnreadableSource(str(file), "not a known Epoch benchmark or notable-models file")
        out.problems.append(Problem(str(file), "unknown Epoch file: no score column known for it"))
        return
    missing = [c for c in (MODEL_COLUMN, spec.column) if c not in header]
    if missing:
        raise UnreadableSource(f"{file}:1", f"missing required column(s): {', '.join(missing)}")
    _benchmark_file(file, header, rows, spec, out)


@dataclass(slots=True)
class _Staged:
    row: t.Row
    record: ScoreRecord


def _benchmark_file(
    file: Path, header: list[str], rows: list[t.Row], spec: FileSpec, out: ParsedSource
) -> None:
    out.benchmarks.append(
        BenchmarkRecord(
            slug=spec.slug,
            name=spec.name,
            category=spec.category,
            max_score=spec.benchmark_max,
            location=str(file),
        )
    )
    settings = [c for c in SETTING_COLUMNS if c in header]
    epoch_run = spec.column == "mean_score"
    staged: list[_Staged] = []
    unlinked = empty = 0
    for row in rows:
        model_version = row.text(MODEL_COLUMN)
        if not model_version:
            unlinked += 1
            continue
        try:
            record = _score(row, model_version, spec, settings, epoch_run)
        except t.BadCell as exc:
            out.problems.append(Problem(row.location, str(exc)))
            continue
        if record is None:
            empty += 1
            continue
        staged.append(_Staged(row, record))
    counts = Counter((s.record.model.external_id, s.record.variant) for s in staged)
    for item in staged:
        record = item.record
        if counts[(record.model.external_id, record.variant)] > 1:
            row_id = item.row.first(*ROW_ID_COLUMNS) or f"line {item.row.line}"
            record = replace(record, variant=f"{record.variant} #{row_id}".lstrip())
        out.scores.append(record)
    if unlinked:
        out.notes.append(f"{file.name}: {unlinked} rows without a '{MODEL_COLUMN}' left out")
    if empty:
        out.notes.append(f"{file.name}: {empty} rows with an empty '{spec.column}' left out")


def _score(
    row: t.Row, model_version: str, spec: FileSpec, settings: list[str], epoch_run: bool
) -> ScoreRecord | None:
    raw = t.number(row, spec.column)
    if raw is None:
        return None
    bound = SCALE_MAX[spec.scale]
    if bound is not None and not 0 <= raw <= bound:
        raise t.BadCell(f"{spec.column} {raw:g} is outside the 0-{bound:g} scale of this file")
    _, effort = split_effort(model_version)
    parts = [effort] if effort else []
    parts += [f"{c.lower().replace(' ', '-')}={row.text(c)}" for c in settings if row.text(c)]
    scored_at = None
    for column in DATE_COLUMNS:
        if row.text(column):
            scored_at = t.day(row, column)
            break
    organization = row.text("Organization") or None
    link = row.first("Log viewer", "Logs") if epoch_run else row.first(*SOURCE_LINK_COLUMNS)
    link = link if link.startswith(("http://", "https://")) else ""
    kind: ScoreKind = "THIRD_PARTY"
    if not epoch_run and link and _vendor_link(link, organization or ""):
        kind = "SELF_REPORTED"
    return ScoreRecord(
        model=ModelRef(
            SOURCE,
            model_version,
            name=row.text("Model name") or None,
            organization=organization,
        ),
        benchmark_slug=spec.slug,
        score=raw,
        normalized_score=normalize(raw, spec.scale),
        kind=kind,
        source_url=link or None,
        scored_at=scored_at,
        uncertainty=_uncertainty(row, spec),
        variant=", ".join(parts),
        location=row.location,
        max_score=bound if spec.shared and spec.scale != "fraction" else None,
    )


def normalize(value: float, scale: Scale) -> float | None:
    """A value on `scale` -> 0-100 (None for unbounded scales); rounded against float noise."""
    bound = SCALE_MAX[scale]
    return None if bound is None else round(value * 100 / bound, 6)


def _uncertainty(row: t.Row, spec: FileSpec) -> float | None:
    if spec.uncertainty is not None:
        value = t.number(row, spec.uncertainty)
        if value is None:
            return None
        scaled = normalize(value, spec.uncertainty_scale or spec.scale)
        return value if scaled is None else scaled
    if spec.interval is not None:
        low, high = (t.number(row, c) for c in spec.interval)
        return None if low is None or high is None else round((high - low) / 2, 6)
    if spec.interval_text is not None and row.text(spec.interval_text):
        return t.half_width(row.text(spec.interval_text))
    return None


def _vendor_link(link: str, organization: str) -> bool:
    host = (urlparse(link).hostname or "").lower()
    org = organization.lower()
    return any(
        (host == suffix or host.endswith("." + suffix)) and word in org
        for suffix, word in VENDOR_HOSTS
    )
