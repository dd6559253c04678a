"""What a source parser produces: plain records, already in the catalog's units.

Parsers (one module per source, no I/O beyond reading the files they are given) turn raw files
into these records; the writer (`app/importers/writer.py`) resolves identities and upserts them.
Units are fixed here so that every source is comparable:

- prices: USD per million tokens;
- normalized scores: 0-100, or None where the scale has no maximum (Elo ratings, indices);
- dates: `date`, timestamps: timezone-aware UTC `datetime`.

Every record carries `location` ("path:line" or "path#key") so a report can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ScoreKind = Literal["SELF_REPORTED", "THIRD_PARTY", "VERIFIED"]


@dataclass(frozen=True, slots=True)
class ModelRef:
    """How a source names a model: its own id plus any hints for matching it to ours."""

    source: str  # e.g. "llm-stats", "litellm", "openrouter"
    external_id: str  # the source's id, kept verbatim in Model.externalIds
    name: str | None = None  # display name, when the source gives one
    organization: str | None = None  # the source's organization name or slug
    hf_repo: str | None = None  # Hugging Face repo id ("meta-llama/Llama-3.3-70B-Instruct")


@dataclass(frozen=True, slots=True)
class OrganizationRecord:
    slug: str
    name: str
    url: str | None = None
    description: str | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class LicenseRecord:
    slug: str
    name: str
    allow_commercial: bool
    url: str | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class ModelRecord:
    """A model a source describes (creates the canonical model when nothing matches)."""

    ref: ModelRef
    organization_slug: str
    name: str
    description: str | None = None
    license_slug: str | None = None
    open_weight: bool | None = None
    context_window: int | None = None
    param_count: int | None = None
    release_date: date | None = None
    modalities: tuple[str, ...] = ()
    base_model: ModelRef | None = None  # fine-tuned from
    url: str | None = None
    source_api_ref: str | None = None
    source_paper: str | None = None
    source_weights: str | None = None
    source_repo: str | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class BenchmarkRecord:
    slug: str
    name: str
    category: str | None = None
    max_score: float | None = None  # None: unbounded scale (Elo, index)
    higher_is_better: bool = True
    description: str | None = None
    url: str | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    """One score of one model on one benchmark from one source.

    (model, benchmark, source, variant) identifies it across imports; `variant` separates rows a
    source gives for the same pair (an analysis method, a reasoning effort)."""

    model: ModelRef
    benchmark_slug: str
    score: float  # as the source states it, on the benchmark's own scale
    normalized_score: float | None  # 0-100, None for unbounded scales
    kind: ScoreKind
    source_url: str | None = None
    scored_at: datetime | None = None
    uncertainty: float | None = None
    variant: str = ""
    location: str = ""
    max_score: float | None = None  # the scale of `score` when it differs from the benchmark's


@dataclass(frozen=True, slots=True)
class PriceRecord:
    """A provider's price for a model as observed at `observed_at` (a snapshot's date)."""

    model: ModelRef
    provider_slug: str
    provider_name: str
    input_price_per_m: float | None
    output_price_per_m: float | None
    observed_at: datetime
    status: str = "active"
    source_url: str | None = None
    location: str = ""


@dataclass(frozen=True, slots=True)
class FileRecord:
    path: str
    oid: str  # "sha256:<64 hex>"
    size_bytes: int | None = None


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """A registry version from a model gallery (LocalAI, GPT4All), with its files."""

    model: ModelRecord
    version: str  # semver 2.0.0
    files: tuple[FileRecord, ...]
    description: str | None = None
    tags: tuple[str, ...] = ()
    origin: dict[str, str] = field(default_factory=dict)
    location: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """A row that was skipped, and why."""

    location: str
    reason: str


@dataclass(slots=True)
class ParsedSource:
    """Everything one import run read. A file that cannot be parsed at all raises
    `UnreadableSource` instead, so nothing from it is written."""

    source: str
    organizations: list[OrganizationRecord] = field(default_factory=list)
    licenses: list[LicenseRecord] = field(default_factory=list)
    models: list[ModelRecord] = field(default_factory=list)
    benchmarks: list[BenchmarkRecord] = field(default_factory=list)
    scores: list[ScoreRecord] = field(default_factory=list)
    prices: list[PriceRecord] = field(default_factory=list)
    versions: list[VersionRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Informational lines for the summary (rows left out on purpose, e.g. embedding models);
    # unlike problems they do not make the exit status non-zero.
    notes: list[str] = field(default_factory=list)


class UnreadableSource(Exception):
    """A file could not be parsed (truncated JSON, not a CSV, wrong top-level shape)."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"{location}: {reason}")
        self.location = location
        self.reason = reason
