"""Hugging Face Open LLM Leaderboard v2, final table (github.com/fboulnois/llm-leaderboard-csv).

PATH is `huggingface_v2.csv` or the directory holding it. Each row is one evaluation of one HF
repo at one precision; a repo can have several rows, so the score's `variant` is the precision
(`bfloat16`, `float16`, `4bit`).

Benchmarks: the leaderboard runs its own harness (lm-eval, fixed shots, GPQA on all subsets,
MATH only at level 5), so its six tasks are benchmarks of their own, not the vendors' numbers:
`open-llm-leaderboard-ifeval`, `-bbh`, `-math-lvl-5`, `-gpqa`, `-musr`, `-mmlu-pro`, each with
`max_score` 1.0. The score is the raw `value` (a fraction); the normalized score is
`value * 100` — NOT the leaderboard's own `normalized_score`, which subtracts the random-guess
baseline and so is not a 0-100 rescaling of the score. scored_at is `metadata_submission_date`.
Kind THIRD_PARTY. One model record per repo: organization = the repo owner, open weights,
parameter count from `metadata_params_billions` (-1 and 0 mean unknown), `hf_repo` =
`model_name`. A legacy root-level repo without an owner (`gpt2`, now served as
`openai-community/gpt2`) is kept: its organization is the maker its name shows
(`identity.guess_organization`, "huggingface" when none) and it has no `hf_repo`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.importers import parsing as p
from app.importers import tabular as t
from app.importers.records import (
    BenchmarkRecord,
    ModelRecord,
    ModelRef,
    ParsedSource,
    Problem,
    ScoreRecord,
    UnreadableSource,
)
from app.services import identity

SOURCE = "open-llm-leaderboard"
FILE_NAME = "huggingface_v2.csv"
LEADERBOARD_URL = "https://huggingface.co/spaces/open-llm-leaderboard/open_llm_leaderboard"

# column infix -> (slug, name, category)
TASKS: dict[str, tuple[str, str, str]] = {
    "ifeval": ("open-llm-leaderboard-ifeval", "IFEval (Open LLM Leaderboard)", "general"),
    "bbh": ("open-llm-leaderboard-bbh", "BBH (Open LLM Leaderboard)", "reasoning"),
    "math": ("open-llm-leaderboard-math-lvl-5", "MATH Lvl 5 (Open LLM Leaderboard)", "math"),
    "gpqa": ("open-llm-leaderboard-gpqa", "GPQA (Open LLM Leaderboard)", "reasoning"),
    "musr": ("open-llm-leaderboard-musr", "MuSR (Open LLM Leaderboard)", "reasoning"),
    "mmlu_pro": ("open-llm-leaderboard-mmlu-pro", "MMLU-Pro (Open LLM Leaderboard)", "general"),
}
REQUIRED = ("model_name", "model_precision", *tuple(f"evaluations_{k}_value" for k in TASKS))


def parse(path: Path, observed_at: date | None = None) -> ParsedSource:
    file = path / FILE_NAME if path.is_dir() else path
    if not file.is_file():
        raise UnreadableSource(str(path), f"no {FILE_NAME} here")
    _, rows = t.read_rows(file, REQUIRED)
    out = ParsedSource(source=SOURCE)
    for slug, name, category in TASKS.values():
        out.benchmarks.append(
            BenchmarkRecord(
                slug=slug,
                name=name,
                category=category,
                max_score=1.0,
                url=LEADERBOARD_URL,
                location=str(file),
            )
        )
    models: dict[str, ModelRecord] = {}
    seen: dict[tuple[str, str], int] = {}
    for row in rows:
        try:
            repo, precision = _identity(row)
            if (repo, precision) in seen:
                first = seen[(repo, precision)]
                raise t.BadCell(f"{repo} at {precision} appears again (first at line {first})")
            scores = _scores(row, repo, precision)
            model = models.get(repo) or _model(row, repo)
        except t.BadCell as exc:
            out.problems.append(Problem(row.location, str(exc)))
            continue
        seen[(repo, precision)] = row.line
        models.setdefault(repo, model)
        out.scores.extend(scores)
    out.models.extend(models.values())
    return p.date_undated(out, observed_at)


def _identity(row: t.Row) -> tuple[str, str]:
    repo = row.text("model_name")
    owner, slash, name = repo.partition("/")
    if not owner or (slash and not name) or "/" in name or " " in repo:
        raise t.BadCell(f"model_name {repo!r} is not a Hugging Face repo id (owner/name)")
    precision = row.text("model_precision")
    if not precision:
        raise t.BadCell("model_precision is empty")
    return repo, precision


def _scores(row: t.Row, repo: str, precision: str) -> list[ScoreRecord]:
    submitted = t.day(row, "metadata_submission_date")
    ref = _ref(repo)
    records = []
    for task, (slug, _, _) in TASKS.items():
        column = f"evaluations_{task}_value"
        value = t.number(row, column)
        if value is None:
            continue
        if not 0 <= value <= 1:
            raise t.BadCell(f"{column} {value:g} is not a fraction between 0 and 1")
        records.append(
            ScoreRecord(
                model=ref,
                benchmark_slug=slug,
                score=value,
                normalized_score=round(value * 100, 6),
                kind="THIRD_PARTY",
                source_url=f"https://huggingface.co/{repo}",
                scored_at=submitted,
                variant=precision,
                location=row.location,
            )
        )
    return records


def _model(row: t.Row, repo: str) -> ModelRecord:
    ref = _ref(repo)
    billions = t.number(row, "metadata_params_billions")  # -1 or 0 on ten rows: unknown
    uploaded = t.day(row, "metadata_upload_date")
    return ModelRecord(
        ref=ref,
        organization_slug=t.slug(ref.organization or ""),
        name=ref.name or repo,
        open_weight=True,
        param_count=round(billions * 1e9) if billions and billions > 0 else None,
        release_date=uploaded.date() if uploaded else None,
        modalities=("text",),
        url=f"https://huggingface.co/{repo}",
        source_weights=f"https://huggingface.co/{repo}",
        location=row.location,
    )


def _ref(repo: str) -> ModelRef:
    owner, slash, name = repo.partition("/")
    if not slash:  # a legacy root-level repo: `gpt2`
        maker = identity.guess_organization(identity.normalize_id(repo), "huggingface")
        return ModelRef(SOURCE, repo, name=repo, organization=maker)
    return ModelRef(SOURCE, repo, name=name, organization=owner, hf_repo=repo)
