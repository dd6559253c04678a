"""Inputs for benchmarks, scores, providers and prices, with their checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.errors import NotFound, PermissionDenied
from app.graphql.types.enums import ScoreKind
from app.repositories import catalog_writes, registry_writes
from app.repositories import models as models_repo
from app.services import semver
from app.services.scoring import normalize
from app.services.validation import Checker

MAX_SCORES = 1000
PRICE_STATUSES = ("active", "deprecated", "preview", "unavailable")


@strawberry.input(description="A benchmark to create, or to update when its slug exists.")
class BenchmarkInput:
    slug: str = strawberry.field(
        description="Stable identifier (lowercase letters, digits, `.`, `_`, `-`), e.g. `mmlu`."
    )
    name: str = strawberry.field(description="Display name (1-200 characters).")
    category: str | None = strawberry.field(
        default=None,
        description="Category, e.g. `knowledge` (at most 100 characters); null for none.",
    )
    max_score: float | None = strawberry.field(
        default=None, description="Null for unbounded scales."
    )
    higher_is_better: bool = strawberry.field(
        default=True, description="True (the default) when a higher score is better."
    )
    description: str | None = strawberry.field(
        default=None, description="What the benchmark measures."
    )
    url: str | None = strawberry.field(
        default=None, description="An http(s) URL describing the benchmark."
    )

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def check_benchmark(data: BenchmarkInput) -> None:
    check = Checker()
    check.slug(("input", "slug"), data.slug)
    check.text(("input", "name"), data.name, required=True, max_len=200)
    check.text(("input", "category"), data.category, max_len=100)
    check.url(("input", "url"), data.url)
    if data.max_score is not None:
        check.finite(("input", "maxScore"), data.max_score)
        if data.max_score <= 0:
            check.add(("input", "maxScore"), "must be positive")
    check.raise_if_any("Invalid benchmark")


@strawberry.input(description="A score of a model (`org/name`) on a benchmark (slug).")
class ScoreInput:
    org: str = strawberry.field(description="The model's organization slug.")
    name: str = strawberry.field(description="The model's slug.")
    benchmark: str = strawberry.field(description="The benchmark's slug.")
    score: float = strawberry.field(
        description="The score on the benchmark's scale (a finite number)."
    )
    max_score: float | None = strawberry.field(
        default=None, description="Defaults to the benchmark's."
    )
    version: str | None = strawberry.field(
        default=None,
        description="The version scored (a version string), when the score is tied to one.",
    )
    kind: ScoreKind = strawberry.field(
        default=ScoreKind.SELF_REPORTED,
        description="Who produced the score; default SELF_REPORTED.",
    )
    scored_at: datetime | None = strawberry.field(
        default=None, description="When the score was published (UTC)."
    )
    source: str | None = strawberry.field(
        default=None, description="Where the score comes from, in words."
    )
    source_url: str | None = strawberry.field(
        default=None, description="A link to the source (http or https)."
    )
    uncertainty: float | None = strawberry.field(
        default=None, description="Reported uncertainty on the score's scale (≥ 0)."
    )


def check_scores(check: Checker, rows: list[ScoreInput]) -> None:
    if not 1 <= len(rows) <= MAX_SCORES:
        check.add(("input",), f"send between 1 and {MAX_SCORES} scores", "value_error.length")
    for index, row in enumerate(rows):
        loc = ("input", index)
        check.finite((*loc, "score"), row.score)
        if row.max_score is not None:
            check.finite((*loc, "maxScore"), row.max_score)
            if row.max_score <= 0:
                check.add((*loc, "maxScore"), "must be positive")
        if row.uncertainty is not None:
            check.non_negative((*loc, "uncertainty"), row.uncertainty)
        if row.version is not None:
            check.semver((*loc, "version"), row.version)
        check.url((*loc, "sourceUrl"), row.source_url)
        check.text((*loc, "source"), row.source, max_len=100)
    keys = [(r.org, r.name, r.benchmark, r.version, r.source, r.source_url) for r in rows]
    check.unique(("input",), keys, "score (model, benchmark, version, source, sourceUrl)")


async def score_values(
    session: AsyncSession, viewer: Viewer, check: Checker, rows: list[ScoreInput]
) -> list[dict[str, Any]]:
    """Resolve every reference at once; unknown benchmarks/versions are field errors, models
    the caller cannot see are not found and other organizations' models are forbidden."""
    names = sorted({(r.org, r.name) for r in rows})
    visible = {
        (org, row.slug): row for row, org in await models_repo.by_names(session, viewer, names)
    }
    for org, name in names:
        model = visible.get((org, name))
        if model is None:
            raise NotFound(f"Model '{org}/{name}' not found")
        if model.organization_id != viewer.organization_id:
            raise PermissionDenied(f"Only members of '{org}' may record scores for its models")
    benchmarks = await catalog_writes.benchmarks_by_slugs(
        session, sorted({r.benchmark for r in rows})
    )
    values = []
    for index, row in enumerate(rows):
        model = visible[(row.org, row.name)]
        bench = benchmarks.get(row.benchmark)
        if bench is None:
            check.add(
                ("input", index, "benchmark"),
                f"unknown benchmark '{row.benchmark}'",
                "value_error.unknown",
            )
            continue
        version_id = None
        if row.version is not None and semver.is_valid(row.version):
            version = await registry_writes.version_row(session, model.id, row.version)
            if version is None:
                check.add(
                    ("input", index, "version"),
                    f"unknown version '{row.version}'",
                    "value_error.unknown",
                )
                continue
            version_id = version.id
        max_score = row.max_score if row.max_score is not None else bench.max_score
        values.append(
            {
                "organization_id": model.organization_id,
                "model_id": model.id,
                "benchmark_id": bench.id,
                "version_id": version_id,
                "score": row.score,
                "max_score": max_score,
                "normalized_score": normalize(row.score, max_score),
                "is_self_reported": row.kind is ScoreKind.SELF_REPORTED,
                "is_verified": row.kind is ScoreKind.VERIFIED,
                "kind": row.kind.value,
                "scored_at": row.scored_at,
                "source": row.source,
                "source_url": row.source_url,
                "uncertainty": row.uncertainty,
            }
        )
    return values


@strawberry.input(description="An inference provider to create, or to update when its slug exists.")
class ProviderInput:
    slug: str = strawberry.field(
        description="Stable identifier (lowercase letters, digits, `.`, `_`, `-`)."
    )
    name: str = strawberry.field(description="Display name (1-200 characters).")
    url: str | None = strawberry.field(default=None, description="Home page (http or https).")


def check_provider(data: ProviderInput) -> None:
    check = Checker()
    check.slug(("input", "slug"), data.slug)
    check.text(("input", "name"), data.name, required=True, max_len=200)
    check.url(("input", "url"), data.url)
    check.raise_if_any("Invalid provider")


@strawberry.input(description="A provider's price for a model, USD per million tokens.")
class PricingInput:
    provider: str = strawberry.field(description="Provider slug.")
    org: str = strawberry.field(description="The model's organization slug.")
    name: str = strawberry.field(description="The model's slug.")
    input_price_per_m: float | None = strawberry.field(
        description="USD per million input tokens (≥ 0); null when unknown."
    )
    output_price_per_m: float | None = strawberry.field(
        description="USD per million output tokens (≥ 0); null when unknown."
    )
    status: str = strawberry.field(
        default="active",
        description="One of `active` (default), `deprecated`, `preview`, `unavailable`.",
    )
    source_url: str | None = strawberry.field(
        default=None, description="Where the price is published (http or https)."
    )


def check_pricing(data: PricingInput) -> None:
    check = Checker()
    check.non_negative(("input", "inputPricePerM"), data.input_price_per_m)
    check.non_negative(("input", "outputPricePerM"), data.output_price_per_m)
    if data.status not in PRICE_STATUSES:
        check.add(("input", "status"), f"must be one of {', '.join(PRICE_STATUSES)}")
    check.url(("input", "sourceUrl"), data.source_url)
    check.raise_if_any("Invalid price")
