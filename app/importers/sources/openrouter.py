"""OpenRouter `/api/v1/models` response (a dated snapshot), factual test data.

PATH is the JSON file or a directory holding `openrouter_models.json`. Prices are strings in
USD per token (multiplied by 1,000,000); `"-1"` (a variable price, router models) gives no
price. Moving aliases (`~vendor/...-latest`) are not models and are left out. Artificial
Analysis indices become THIRD_PARTY scores without a normalized score (an index has no maximum).
The snapshot's date is the directory name (`YYYY-MM-DD`), else the newest `created` time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.importers import parsing as p
from app.importers.records import (
    BenchmarkRecord,
    ModelRecord,
    ModelRef,
    ParsedSource,
    PriceRecord,
    Problem,
    ScoreRecord,
    UnreadableSource,
)
from app.services import identity

SOURCE = "openrouter"
FILE_NAME = "openrouter_models.json"
PROVIDER = "openrouter"
INDICES = {
    "intelligence_index": "Artificial Analysis Intelligence Index",
    "coding_index": "Artificial Analysis Coding Index",
    "agentic_index": "Artificial Analysis Agentic Index",
}
AA_URL = "https://artificialanalysis.ai/"


def _price(pricing: dict[str, Any], key: str) -> float | None:
    value = pricing.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise p.BadValue(f"pricing.{key} must be a number string, got {type(value).__name__}")
    try:
        number = float(value)
    except ValueError as exc:
        raise p.BadValue(f"pricing.{key} is not a number: {value!r}") from exc
    return None if number < 0 else p.per_token_to_per_million(number)


def parse(path: Path, observed_at: date | None = None) -> ParsedSource:
    """Observed at the `YYYY-MM-DD` directory's date (the snapshot's own), else `observed_at`
    (`--observed-at`), else the newest `created` of its models (the data is at least that
    recent)."""
    file = p.source_file(path, FILE_NAME)
    data = p.read_json(file)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise UnreadableSource(str(file), "expected an object with a `data` array")
    items: list[Any] = data["data"]
    notes: list[str] = []
    try:
        observed = p.start_of_day(date.fromisoformat(file.parent.name))
        notes = p.ignored_observed_at(observed, "its directory", observed_at)
    except ValueError as exc:
        stamps = [i.get("created") for i in items if isinstance(i, dict)]
        numbers = [s for s in stamps if isinstance(s, int)]
        if observed_at is not None:
            observed = p.start_of_day(observed_at)
        elif numbers:
            observed = datetime.fromtimestamp(max(numbers), UTC)
        else:
            raise UnreadableSource(
                str(file), "undated: no YYYY-MM-DD directory, no `created` (pass --observed-at)"
            ) from exc
    out = ParsedSource(source=SOURCE, as_of=observed, notes=notes)
    out.benchmarks = [
        BenchmarkRecord(
            slug=f"aa-{key.replace('_', '-')}",
            name=name,
            category="index",
            max_score=None,
            url=AA_URL,
            location=str(file),
        )
        for key, name in INDICES.items()
    ]
    aliases = 0
    ids = {i.get("id") for i in items if isinstance(i, dict)}
    for index, item in enumerate(items):
        location = f"{file}#data[{index}]"
        try:
            if not isinstance(item, dict):
                raise p.BadValue("expected an object")
            model_id = p.req_str(item, "id")
            if model_id.startswith("~"):
                aliases += 1
                continue
            # "x:free" repeats the scores of "x": they are the model's, kept once (on "x").
            with_scores = ":" not in model_id or model_id.split(":", 1)[0] not in ids
            _model(item, model_id, observed, location, out, with_scores)
        except p.BadValue as exc:
            out.problems.append(Problem(location, str(exc)))
    if aliases:
        out.notes.append(f"left out {aliases} moving aliases (~vendor/...)")
    return out


def _model(
    item: dict[str, Any],
    model_id: str,
    observed: datetime,
    location: str,
    out: ParsedSource,
    with_scores: bool,
) -> None:
    vendor = model_id.split("/", 1)[0] if "/" in model_id else PROVIDER
    name = p.opt_str(item, "name") or model_id
    display = name.split(": ", 1)[1] if ": " in name else name
    ref = ModelRef(SOURCE, model_id, display, vendor, p.opt_str(item, "hugging_face_id"))
    architecture = item.get("architecture") or {}
    pricing = item.get("pricing") or {}
    if not isinstance(architecture, dict) or not isinstance(pricing, dict):
        raise p.BadValue("architecture and pricing must be objects")
    modalities = architecture.get("input_modalities") or ["text"]
    if not isinstance(modalities, list):
        raise p.BadValue("architecture.input_modalities must be a list")
    normalized = identity.normalize_id(model_id)
    out.models.append(
        ModelRecord(
            ref=ref,
            organization_slug=identity.guess_organization(normalized, vendor),
            name=display,
            description=p.opt_str(item, "description"),
            open_weight=True if ref.hf_repo else None,
            context_window=p.opt_int(item, "context_length"),
            modalities=tuple(str(m) for m in modalities),
            url=f"https://openrouter.ai/{model_id.split(':', 1)[0]}",
            location=location,
        )
    )
    prompt, completion = _price(pricing, "prompt"), _price(pricing, "completion")
    if prompt is not None or completion is not None:
        out.prices.append(
            PriceRecord(
                model=ref,
                provider_slug=PROVIDER,
                provider_name="OpenRouter",
                input_price_per_m=prompt,
                output_price_per_m=completion,
                observed_at=observed,
                source_url="https://openrouter.ai/api/v1/models",
                location=location,
            )
        )
    benchmarks = item.get("benchmarks") or {}
    analysis = benchmarks.get("artificial_analysis") if isinstance(benchmarks, dict) else None
    if isinstance(analysis, dict) and with_scores:
        for key in INDICES:
            value = p.opt_number(analysis, key)
            if value is None:
                continue
            out.scores.append(
                ScoreRecord(
                    model=ref,
                    benchmark_slug=f"aa-{key.replace('_', '-')}",
                    score=value,
                    normalized_score=None,
                    kind="THIRD_PARTY",
                    source_url=AA_URL,
                    scored_at=observed,
                    location=f"{location}.benchmarks.artificial_analysis.{key}",
                )
            )
