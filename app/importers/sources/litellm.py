"""LiteLLM `model_prices_and_context_window.json` (github.com/BerriAI/litellm), MIT.

PATH is the JSON file or a directory holding it. Prices are USD per token (multiplied by
1,000,000). The snapshot's moment is the file's `last_updated` (else a `YYYY-MM-DD` directory
name); prices are observed then, so importing a newer snapshot opens new price periods.

Only text-generation entries (`mode` chat, completion or responses) with a token price are
imported; embeddings, images, audio and the like are counted in the summary as left out.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.importers import parsing as p
from app.importers.records import (
    ModelRecord,
    ModelRef,
    ParsedSource,
    PriceRecord,
    Problem,
    UnreadableSource,
)
from app.services import identity

SOURCE = "litellm"
FILE_NAME = "model_prices_and_context_window.json"
TEXT_MODES = frozenset({"chat", "completion", "responses"})
NOT_MODELS = frozenset({"sample_spec", "fallback_generalizations", "last_updated"})
# Providers whose keys end in a Hugging Face repo id ("together_ai/meta-llama/Llama-3.3-70B-...").
HF_STYLE_PROVIDERS = frozenset({"huggingface", "together_ai", "deepinfra"})


def snapshot_moment(
    data: dict[str, Any], file: Path, observed_at: date | None = None
) -> tuple[datetime, list[str]]:
    """The snapshot's own date (`last_updated`, else a `YYYY-MM-DD` directory), else
    `observed_at` (`--observed-at`), with the notes to report."""
    stamp = data.get("last_updated")
    if isinstance(stamp, str):
        try:
            own = p.parse_timestamp(stamp)
        except ValueError as exc:
            raise UnreadableSource(f"{file}#last_updated", f"not a timestamp: {stamp!r}") from exc
        return own, p.ignored_observed_at(own, "last_updated", observed_at)
    try:
        own = p.start_of_day(date.fromisoformat(file.parent.name))
    except ValueError as exc:
        if observed_at is not None:
            return p.start_of_day(observed_at), []
        raise UnreadableSource(
            str(file),
            "no `last_updated` field and no YYYY-MM-DD directory name: undated "
            "(pass --observed-at DATE)",
        ) from exc
    return own, p.ignored_observed_at(own, "its directory", observed_at)


def parse(path: Path, observed_at: date | None = None) -> ParsedSource:
    file = p.source_file(path, FILE_NAME)
    data = p.read_json(file)
    if not isinstance(data, dict):
        raise UnreadableSource(str(file), "expected a JSON object keyed by model name")
    observed, notes = snapshot_moment(data, file, observed_at)
    out = ParsedSource(source=SOURCE, as_of=observed, notes=notes)
    left_out: Counter[str] = Counter()
    for key, item in data.items():
        if key in NOT_MODELS:
            continue
        location = f"{file}#{key}"
        try:
            if not isinstance(item, dict):
                raise p.BadValue(f"expected an object, got {type(item).__name__}")
            mode = item.get("mode")
            if mode not in TEXT_MODES:
                left_out[f"mode {mode}"] += 1
                continue
            _entry(key, item, observed, location, out, left_out)
        except p.BadValue as exc:
            out.problems.append(Problem(location, str(exc)))
    for reason, count in sorted(left_out.items()):
        out.notes.append(f"left out {count} entries ({reason})")
    return out


def _entry(
    key: str,
    item: dict[str, Any],
    observed: datetime,
    location: str,
    out: ParsedSource,
    left_out: Counter[str],
) -> None:
    provider = p.req_str(item, "litellm_provider")
    input_price = p.opt_number(item, "input_cost_per_token")
    output_price = p.opt_number(item, "output_cost_per_token")
    window = p.opt_int(item, "max_input_tokens")
    if input_price is None and output_price is None:
        left_out["no per-token price"] += 1
        return
    normalized = identity.normalize_id(key)
    segments = key.split("/")
    hf_repo = (
        "/".join(segments[-2:]) if provider in HF_STYLE_PROVIDERS and len(segments) > 2 else None
    )
    ref = ModelRef(SOURCE, key, segments[-1], provider, hf_repo)
    vision = bool(p.opt_bool(item, "supports_vision"))
    deprecated = p.opt_date(item, "deprecation_date")
    out.models.append(
        ModelRecord(
            ref=ref,
            organization_slug=identity.guess_organization(normalized, provider),
            name=segments[-1],
            context_window=window,
            modalities=("text", "image") if vision else ("text",),
            location=location,
        )
    )
    out.prices.append(
        PriceRecord(
            model=ref,
            provider_slug=identity.slugify(provider),
            provider_name=provider,
            input_price_per_m=p.per_token_to_per_million(input_price),
            output_price_per_m=p.per_token_to_per_million(output_price),
            observed_at=observed,
            status="deprecated" if deprecated and deprecated <= observed.date() else "active",
            source_url=p.opt_str(item, "source"),
            location=location,
            # The key LiteLLM routes explicitly to this provider is that provider's price.
            priority=0 if key.startswith(f"{provider}/") else 1,
        )
    )
