"""Epoch AI "Notable AI Models" CSV -> model records (part of the `epoch` source).

Only language models are worth a catalog entry: a row is kept when its `Domain` list contains
`Language` or `Multimodal`; the others (vision-only, games, biology, robotics, ...) are counted
in `notes`. The external id is the `Model` name (stripped: four names end in a newline), since
the table has no id column. Units: `Parameters` is a float string (`102000000000.0`) -> int;
`Model accessibility` "Open weights (...)" -> open_weight True, "API access", "Hosted access" or
"Unreleased" -> False, empty -> unknown. The organization is the first of a comma-separated
`Organization` list, as a slug. `Link` (its first URL) becomes the model's url; a Hugging Face
link also gives the repo id used for matching, and the weights link when the weights are open.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.importers import tabular as t
from app.importers.records import ModelRecord, ModelRef, ParsedSource, Problem, UnreadableSource

SOURCE = "epoch"
REQUIRED = ("Model", "Organization", "Publication date", "Domain", "Parameters")
KEPT_DOMAINS = frozenset({"Language", "Multimodal"})
_MODALITIES = (
    ("image", frozenset({"Vision", "Multimodal", "Image generation"})),
    ("audio", frozenset({"Speech", "Audio"})),
    ("video", frozenset({"Video"})),
)
_URL = re.compile(r"https?://[^\s,;]+")
_HF_REPO = re.compile(r"^https?://(?:www\.)?huggingface\.co/([\w.-]+/[\w.-]+)/?$")


def parse_rows(file: Path, header: list[str], rows: list[t.Row], out: ParsedSource) -> None:
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UnreadableSource(f"{file}:1", f"missing required column(s): {', '.join(missing)}")
    left_out = 0
    for row in rows:
        domains = {d.strip() for d in row.text("Domain").split(",") if d.strip()}
        if not domains & KEPT_DOMAINS:
            left_out += 1
            continue
        try:
            out.models.append(_model(row, domains))
        except t.BadCell as exc:
            out.problems.append(Problem(row.location, str(exc)))
    if left_out:
        out.notes.append(f"{file.name}: {left_out} models outside the Language/Multimodal domains")


def _model(row: t.Row, domains: set[str]) -> ModelRecord:
    name = row.text("Model")
    if not name:
        raise t.BadCell("Model is empty")
    organizations = [o.strip() for o in row.text("Organization").split(",") if o.strip()]
    organization = organizations[0] if organizations else None
    params = t.number(row, "Parameters")
    if params is not None and params < 0:
        raise t.BadCell(f"Parameters {row.text('Parameters')!r} is negative")
    published = t.day(row, "Publication date")
    access = row.text("Model accessibility")
    open_weight = access.startswith("Open weights") if access else None
    found = _URL.search(row.text("Link"))
    link = found.group(0) if found else None
    hf = _HF_REPO.match(link) if link else None
    modalities = ("text", *tuple(m for m, names in _MODALITIES if domains & names))
    return ModelRecord(
        ref=ModelRef(SOURCE, name, name, organization, hf.group(1) if hf else None),
        organization_slug=t.slug(organization) if organization else "unknown",
        name=name,
        open_weight=open_weight,
        param_count=round(params) if params is not None else None,
        release_date=published.date() if published else None,
        modalities=modalities,
        url=link,
        source_paper=link if link and "arxiv.org/" in link else None,
        source_weights=link if hf and open_weight else None,
        location=row.location,
    )
