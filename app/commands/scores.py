"""Record benchmark scores, all or nothing. Only a model's own organization records them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands import emit
from app.commands.access import require_role
from app.commands.inputs import ScoreSpec
from app.db.tables import BenchmarkScoreRow, ModelRow, ModelVersionRow
from app.errors import NotFound, PermissionDenied
from app.events import kinds
from app.events.kinds import Event
from app.repositories import audit, catalog_writes, registry_writes
from app.repositories import leaders as leaders_repo
from app.repositories import models as models_repo
from app.services import semver
from app.services.scoring import normalize
from app.services.validation import Checker

MAX_SCORES = 1000


def check_scores(check: Checker, rows: list[ScoreSpec]) -> None:
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
    session: AsyncSession, viewer: Viewer, check: Checker, rows: list[ScoreSpec]
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
                "is_self_reported": row.kind == "SELF_REPORTED",
                "is_verified": row.kind == "VERIFIED",
                "kind": row.kind,
                "scored_at": row.scored_at,
                "source": row.source,
                "source_url": row.source_url,
                "uncertainty": row.uncertainty,
            }
        )
    return values


async def _score_events(
    session: AsyncSession, data: list[ScoreSpec], saved: list[BenchmarkScoreRow]
) -> list[Event]:
    """score.recorded per score; public when its model (and version, if any) is."""
    model_ids = sorted({s.model_id for s in saved})
    models = {m.id: m for m in (await session.scalars(
        select(ModelRow).where(ModelRow.id.in_(model_ids)))).all()}  # fmt: skip
    version_ids = sorted({s.version_id for s in saved if s.version_id is not None})
    versions = {v.id: v for v in (await session.scalars(
        select(ModelVersionRow).where(ModelVersionRow.id.in_(version_ids)))).all()}  # fmt: skip
    events = []
    for spec, score in zip(data, saved, strict=True):
        model = models[score.model_id]
        version = versions.get(score.version_id) if score.version_id is not None else None
        events.append(
            emit.for_model(
                kinds.SCORE_RECORDED, spec.org, model, emit.version_public(model, version),
                benchmark=spec.benchmark, score=score.score,
                normalizedScore=score.normalized_score, version=spec.version,
                source=score.source,
            )
        )  # fmt: skip
    return events


async def record_scores(session: AsyncSession, viewer: Viewer, data: list[ScoreSpec]) -> list[int]:
    require_role(viewer)
    check = Checker()
    check_scores(check, data)
    check.raise_if_any("Invalid scores")
    rows = await score_values(session, viewer, check, data)
    check.raise_if_any("Invalid scores")
    benchmark_ids = sorted({r["benchmark_id"] for r in rows})
    before = await leaders_repo.at_rank_one(session, benchmark_ids)
    saved = await catalog_writes.upsert_scores(session, rows)
    await emit.emit(session, await _score_events(session, data, saved))
    await emit.emit(session, await emit.top_score_changes(session, before, benchmark_ids))
    for org_id in {r["organization_id"] for r in rows}:
        audit.record(
            session,
            viewer,
            organization_id=org_id,
            action="record_scores",
            target_type="BenchmarkScore",
            target_id=None,
            details={"count": sum(r["organization_id"] == org_id for r in rows)},
        )
    return [s.id for s in saved]
