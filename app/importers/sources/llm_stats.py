"""llm-stats.com open data (github.com/JonathanChavezTamales/llm-leaderboard), CC BY 4.0.

PATH is the repository checkout (with `data/`) or its `data/` directory. Units: prices are US
cents per million tokens (divided by 100); scores are fractions even where the benchmark's
`max_score` is 100 or 3,000, so the normalized score is `normalized_score * 100`.

The files carry no date of the snapshot (only when each row was written, `updated_at`): prices
are observed at `observed_at` (`catalog import --observed-at DATE`), else at the day of the
newest `updated_at` of the files (the data is at least that recent; the report says so).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.importers import parsing as p
from app.importers.records import (
    BenchmarkRecord,
    LicenseRecord,
    ModelRecord,
    ModelRef,
    OrganizationRecord,
    ParsedSource,
    PriceRecord,
    Problem,
    ScoreKind,
    ScoreRecord,
    UnreadableSource,
)

SOURCE = "llm-stats"

# Metrics where lower is better. No field of the data gives the direction; these are word error
# rates (WER): fleurs and common-voice-15 (documented in the README, "Importing real data").
LOWER_IS_BETTER = frozenset({"fleurs", "common-voice-15"})


def _data_dir(path: Path) -> Path:
    if (path / "data" / "organizations").is_dir():
        return path / "data"
    if (path / "organizations").is_dir():
        return path
    raise UnreadableSource(str(path), "not an llm-stats checkout (no data/organizations)")


def _object(path: Path) -> dict[str, Any]:
    data = p.read_json(path)
    if not isinstance(data, dict):
        raise UnreadableSource(str(path), "expected a JSON object")
    return data


def _array(path: Path) -> list[Any]:
    data = p.read_json(path)
    if not isinstance(data, list):
        raise UnreadableSource(str(path), "expected a JSON array")
    return data


def parse(path: Path, observed_at: date | None = None) -> ParsedSource:
    data = _data_dir(path)
    observed = p.start_of_day(observed_at) if observed_at else _newest_update(data)
    notes = []
    if observed_at is None and observed is not None:
        notes.append(
            f"prices observed at {observed.date()}, the newest `updated_at` in the files (the "
            "snapshot has no date of its own: --observed-at DATE sets it)"
        )
    out = ParsedSource(source=SOURCE, as_of=observed, notes=notes)
    _licenses(data, out)
    _benchmarks(data, out)
    _organizations_and_models(data, out)
    windows = _prices(data, out, observed)
    # model.json has no context window; the providers' max_input_tokens give it (the largest).
    out.models = [
        replace(m, context_window=windows[m.ref.external_id]) if m.ref.external_id in windows else m
        for m in out.models
    ]
    return out


def _licenses(data: Path, out: ParsedSource) -> None:
    for file in sorted((data / "licenses").glob("*.json")):
        item = _object(file)
        try:
            out.licenses.append(
                LicenseRecord(
                    slug=p.req_str(item, "license_id"),
                    name=p.req_str(item, "name"),
                    allow_commercial=bool(p.opt_bool(item, "allow_commercial")),
                    location=str(file),
                )
            )
        except p.BadValue as exc:
            out.problems.append(Problem(str(file), str(exc)))


def _benchmarks(data: Path, out: ParsedSource) -> None:
    for file in sorted((data / "benchmarks").glob("*.json")):
        item = _object(file)
        try:
            slug = p.req_str(item, "benchmark_id")
            categories = item.get("categories") or []
            if not isinstance(categories, list):
                raise p.BadValue("categories must be a list")
            out.benchmarks.append(
                BenchmarkRecord(
                    slug=slug,
                    name=p.req_str(item, "name"),
                    category=str(categories[0]) if categories else None,
                    max_score=p.opt_number(item, "max_score"),
                    higher_is_better=slug not in LOWER_IS_BETTER,
                    description=p.opt_str(item, "description"),
                    url=p.opt_str(item, "paper_link") or p.opt_str(item, "implementation_link"),
                    location=str(file),
                )
            )
        except p.BadValue as exc:
            out.problems.append(Problem(str(file), str(exc)))


def _organizations_and_models(data: Path, out: ParsedSource) -> None:
    for org_dir in sorted((data / "organizations").iterdir()):
        file = org_dir / "organization.json"
        if not file.is_file():
            continue
        item = _object(file)
        try:
            org = OrganizationRecord(
                slug=p.req_str(item, "organization_id"),
                name=p.req_str(item, "name"),
                url=p.opt_str(item, "website"),
                description=p.opt_str(item, "description"),
                location=str(file),
            )
        except p.BadValue as exc:
            out.problems.append(Problem(str(file), str(exc)))
            continue
        models_dir = org_dir / "models"
        has_models = models_dir.is_dir() and any(models_dir.iterdir())
        if has_models:  # "unknown" is a placeholder organization with no models
            out.organizations.append(org)
        for model_dir in sorted(models_dir.iterdir()) if has_models else []:
            _model(model_dir, org.slug, out)


def _model(model_dir: Path, org_slug: str, out: ParsedSource) -> None:
    file = model_dir / "model.json"
    item = _object(file)
    try:
        model_id = p.req_str(item, "model_id")
        weights = p.opt_str(item, "source_weights_link")
        base = p.opt_str(item, "fine_tuned_from_model_id")
        hf_repo = None
        if weights and "huggingface.co/" in weights:
            hf_repo = weights.split("huggingface.co/", 1)[1].strip("/")
        ref = ModelRef(SOURCE, model_id, p.req_str(item, "name"), org_slug, hf_repo)
        param_count = p.opt_int(item, "param_count")
        multimodal = p.opt_bool(item, "multimodal")
        record = ModelRecord(
            ref=ref,
            organization_slug=p.opt_str(item, "organization_id") or org_slug,
            name=ref.name or model_id,
            description=p.opt_str(item, "description"),
            license_slug=p.opt_str(item, "license_id"),
            open_weight=weights is not None,
            param_count=param_count,
            release_date=p.opt_date(item, "release_date"),
            modalities=("text", "image") if multimodal else ("text",),
            base_model=ModelRef(SOURCE, base) if base else None,
            url=p.opt_str(item, "source_scorecard_blog_link"),
            source_api_ref=p.opt_str(item, "source_api_ref"),
            source_paper=p.opt_str(item, "source_paper"),
            source_weights=weights,
            source_repo=p.opt_str(item, "source_repo_link"),
            location=str(file),
        )
    except p.BadValue as exc:
        out.problems.append(Problem(str(file), str(exc)))
        return
    out.models.append(record)
    scores_file = model_dir / "benchmarks.json"
    if scores_file.is_file():
        _scores(scores_file, ref, out)


def _scores(file: Path, ref: ModelRef, out: ParsedSource) -> None:
    rows = _array(file)
    seen: Counter[tuple[str, str]] = Counter()
    ordered = sorted(
        enumerate(rows),
        key=lambda pair: (
            pair[1].get("model_benchmark_id", 0)
            if isinstance(pair[1], dict) and isinstance(pair[1].get("model_benchmark_id"), int)
            else 0
        ),
    )
    for index, item in ordered:
        location = f"{file}#[{index}]"
        try:
            if not isinstance(item, dict):
                raise p.BadValue("expected an object")
            benchmark = p.req_str(item, "benchmark_id")
            score = p.req_number(item, "score")
            normalized = p.opt_number(item, "normalized_score")
            variant = p.opt_str(item, "analysis_method") or ""
            seen[(benchmark, variant)] += 1
            if seen[(benchmark, variant)] > 1:  # same method twice: keep both, apart
                variant = f"{variant}#{item.get('model_benchmark_id')}"
            verified = bool(p.opt_bool(item, "verified_by_llmstats"))
            self_reported = bool(p.opt_bool(item, "is_self_reported"))
            kind: ScoreKind = (
                "VERIFIED" if verified else "SELF_REPORTED" if self_reported else "THIRD_PARTY"
            )
            scale = round(score / normalized, 6) if normalized else None
            out.scores.append(
                ScoreRecord(
                    model=ref,
                    benchmark_slug=benchmark,
                    score=score,
                    normalized_score=round(normalized * 100, 6) if normalized is not None else None,
                    kind=kind,
                    source_url=p.opt_str(item, "self_reported_source_link"),
                    scored_at=p.start_of_day(d) if (d := p.opt_date(item, "created_at")) else None,
                    variant=variant,
                    location=location,
                    max_score=scale,
                )
            )
        except p.BadValue as exc:
            out.problems.append(Problem(location, str(exc)))


def _newest_update(data: Path) -> datetime | None:
    """The start of the day of the newest `updated_at` of the models and provider prices."""
    files = sorted(data.glob("organizations/*/models/*/model.json"))
    files += sorted(data.glob("providers/*/models.json"))
    newest: date | None = None
    for file in files:
        content = p.read_json(file)
        for item in content if isinstance(content, list) else [content]:
            stamp = item.get("updated_at") if isinstance(item, dict) else None
            try:
                day = p.parse_timestamp(stamp).date() if isinstance(stamp, str) else None
            except ValueError:
                continue
            if day is not None and (newest is None or day > newest):
                newest = day
    return p.start_of_day(newest) if newest else None


def _prices(data: Path, out: ParsedSource, observed: datetime | None) -> dict[str, int]:
    windows: dict[str, int] = {}
    for provider_dir in sorted((data / "providers").iterdir()):
        file = provider_dir / "provider.json"
        if not file.is_file():
            continue
        provider = _object(file)
        prices_file = provider_dir / "models.json"
        if not prices_file.is_file():
            continue
        for index, item in enumerate(_array(prices_file)):
            location = f"{prices_file}#[{index}]"
            if observed is None:
                raise UnreadableSource(
                    str(prices_file), "undated prices: no `updated_at`; pass --observed-at DATE"
                )
            try:
                if not isinstance(item, dict):
                    raise p.BadValue("expected an object")
                model_id = p.req_str(item, "model_id")
                window = p.opt_int(item, "max_input_tokens")
                out.prices.append(
                    PriceRecord(
                        model=ModelRef(SOURCE, model_id),
                        provider_slug=p.req_str(provider, "provider_id"),
                        provider_name=p.req_str(provider, "name"),
                        input_price_per_m=p.cents_per_million_to_usd(
                            p.opt_number(item, "input_cents_per_million_tokens")
                        ),
                        output_price_per_m=p.cents_per_million_to_usd(
                            p.opt_number(item, "output_cents_per_million_tokens")
                        ),
                        observed_at=observed,
                        source_url=p.opt_str(provider, "website"),
                        location=location,
                    )
                )
            except p.BadValue as exc:
                out.problems.append(Problem(location, str(exc)))
                continue
            if window:
                windows[model_id] = max(window, windows.get(model_id, 0))
    return windows
