"""LMArena (Chatbot Arena) leaderboards, 2025-08-04 (github.com/fboulnois/llm-leaderboard-csv).

PATH is the `csv/` directory (reads `lmarena_text.csv`, `lmarena_vision.csv`,
`lmarena_image.csv`, whichever exist) or one of those files. Each file is one benchmark:
`lmarena-text`, `lmarena-vision`, `lmarena-image`, with no `max_score` (the Bradley-Terry/Elo
rating has no upper bound), so the normalized score is None. The score is `arena_score` in
rating points; `uncertainty` is the half-width of `95_pct_ci` ("+5/-5" -> 5; an asymmetric
"+6/-4" -> the mean, 5), in rating points. The files carry no date: scores are dated
`observed_at` (`catalog import --observed-at DATE`; 2025-08-04 for the shared snapshot, the
leaderboard's version), else undated. Kind THIRD_PARTY (human votes collected by LMArena).
Models are referred to by their display name (`model`), with `organization` as a hint. A row
that repeats an earlier one in every cell but `rank` (Yi-34B-Chat in the text board) is left
out with a note; a second row for the same model with other values is a problem.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.importers import parsing as p
from app.importers import tabular as t
from app.importers.records import (
    BenchmarkRecord,
    ModelRef,
    ParsedSource,
    Problem,
    ScoreRecord,
    UnreadableSource,
)

SOURCE = "lmarena"
REQUIRED = ("model", "arena_score", "95_pct_ci", "organization")
LEADERBOARD_URL = "https://lmarena.ai/leaderboard"

# file stem -> (benchmark slug, name, category)
ARENAS: dict[str, tuple[str, str, str]] = {
    "lmarena_text": ("lmarena-text", "LMArena Text", "chat"),
    "lmarena_vision": ("lmarena-vision", "LMArena Vision", "multimodal"),
    "lmarena_image": ("lmarena-image", "LMArena Text-to-Image", "image-generation"),
}


def parse(path: Path, observed_at: date | None = None) -> ParsedSource:
    out = ParsedSource(source=SOURCE)
    if path.is_dir():
        files = [path / f"{stem}.csv" for stem in ARENAS if (path / f"{stem}.csv").is_file()]
        if not files:
            raise UnreadableSource(str(path), "no lmarena_{text,vision,image}.csv here")
    else:
        if path.stem not in ARENAS:
            raise UnreadableSource(str(path), "not an LMArena file (lmarena_text/vision/image.csv)")
        files = [path]
    for file in files:
        _parse_file(file, out)
    return p.date_undated(out, observed_at)


def _parse_file(file: Path, out: ParsedSource) -> None:
    slug, name, category = ARENAS[file.stem]
    _, rows = t.read_rows(file, REQUIRED)
    out.benchmarks.append(
        BenchmarkRecord(
            slug=slug,
            name=name,
            category=category,
            max_score=None,
            description="LMArena (Chatbot Arena) rating from pairwise human votes; unbounded.",
            url=LEADERBOARD_URL,
            location=str(file),
        )
    )
    seen: dict[str, t.Row] = {}
    for row in rows:
        try:
            model = row.text("model")
            if not model:
                raise t.BadCell("model is empty")
            if model in seen:
                first = seen[model]
                if _values(first) == _values(row):  # a copy of an earlier row: harmless
                    out.notes.append(f"{row.location}: duplicate of line {first.line}, left out")
                    continue
                raise t.BadCell(f"model {model!r} appears again (first at line {first.line})")
            score = t.number(row, "arena_score")
            if score is None:
                raise t.BadCell("arena_score is empty")
            interval = row.text("95_pct_ci")
            uncertainty = t.half_width(interval) if interval else None
        except t.BadCell as exc:
            out.problems.append(Problem(row.location, str(exc)))
            continue
        seen[model] = row
        out.scores.append(
            ScoreRecord(
                model=ModelRef(
                    SOURCE, model, name=model, organization=row.text("organization") or None
                ),
                benchmark_slug=slug,
                score=score,
                normalized_score=None,
                kind="THIRD_PARTY",
                source_url=LEADERBOARD_URL,
                uncertainty=uncertainty,
                location=row.location,
            )
        )


def _values(row: t.Row) -> dict[str, str]:
    """The row without `rank`, which is only its position in the file."""
    return {k: v for k, v in row.cells.items() if k != "rank"}
