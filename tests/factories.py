"""Synthetic catalog rows, inserted straight through SQLAlchemy (for volume, not realism).

`add_catalog(engine, scale)` adds `scale` organizations, each with a handful of models, and
every model with versions (files, metrics, aliases), scores and prices, under slugs prefixed
`syn-` so that they never collide with the demo catalog.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_sessionmaker
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    FamilyRow,
    LicenseRow,
    ModelModalityRow,
    ModelRow,
    ModelVersionRow,
    OrganizationRow,
    ProviderPricingRow,
    ProviderRow,
    VersionAliasRow,
    VersionFileRow,
    VersionMetricRow,
)
from app.services import semver
from app.services.scoring import normalize

VERSIONS = ["0.9.0-rc.1", "1.0.0", "1.1.0", "1.10.0", "2.0.0-beta.2", "2.0.0"]


@dataclass
class Added:
    organizations: int = 0
    models: int = 0
    versions: int = 0
    files: int = 0
    scores: int = 0
    prices: int = 0


def version_row(model_id: int, version: str, **values) -> ModelVersionRow:
    parsed = semver.parse(version)
    fields = {
        "model_id": model_id,
        "version": version,
        "semver_key": semver.sort_key(parsed),
        "is_prerelease": parsed.is_prerelease,
        "artifact_id": str(uuid.uuid4()),
        "status": "ACTIVE",
        "file_size_bytes": 0,
    }
    fields.update(values)
    return ModelVersionRow(**fields)


async def add_catalog(
    engine: AsyncEngine, *, organizations: int, models_per_org: int = 5, tag: str = "syn"
) -> Added:
    """Adds `organizations * models_per_org` models with versions, files, metrics, aliases,
    scores (on every synthetic benchmark) and prices (at every synthetic provider)."""
    added = Added()
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        licenses = [
            LicenseRow(slug=f"{tag}-lic-{i}", name=f"{tag} license {i}", allow_commercial=i == 0)
            for i in range(2)
        ]
        benchmarks = [
            BenchmarkRow(slug=f"{tag}-bench-{i}", name=f"{tag} bench {i}", max_score=100.0)
            for i in range(4)
        ]
        providers = [
            ProviderRow(slug=f"{tag}-prov-{i}", name=f"{tag} provider {i}") for i in range(3)
        ]
        session.add_all([*licenses, *benchmarks, *providers])
        await session.flush()
        for o in range(organizations):
            org = OrganizationRow(slug=f"{tag}-org-{o}", name=f"{tag} org {o}")
            session.add(org)
            await session.flush()
            family = FamilyRow(
                slug=f"{tag}-fam-{o}", name=f"{tag} family {o}", organization_id=org.id
            )
            session.add(family)
            await session.flush()
            added.organizations += 1
            for m in range(models_per_org):
                await _add_model(
                    session, added, org, family, licenses[m % 2], benchmarks, providers, o, m, tag
                )
    return added


async def _add_model(session, added, org, family, license_, benchmarks, providers, o, m, tag):
    n = o * 1000 + m
    model = ModelRow(
        organization_id=org.id,
        slug=f"{tag}-model-{m}",
        name=f"{tag} model {o}-{m}",
        description="synthetic",
        license_id=license_.id,
        family_id=family.id,
        open_weight=m % 2 == 0,
        model_type="chat",
        modalities=["text"],
        context_window=4096 * (m + 1),
        param_count=(7 + n) * 10**9,
        release_date=date(2024, 1, 1) + timedelta(days=n % 365),
        download_count=n + 2,  # above the demo's (0), so they lead DOWNLOADS DESC
    )
    session.add(model)
    await session.flush()
    session.add(ModelModalityRow(model_id=model.id, modality="text"))
    added.models += 1
    rows = []
    for i, text in enumerate(VERSIONS):
        row = version_row(
            model.id,
            text,
            created_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=i),
            file_size_bytes=5 * 2**30,
        )
        rows.append(row)
    session.add_all(rows)
    await session.flush()
    for row in rows:
        added.versions += 1
        for path in ("config.json", "model.safetensors"):
            session.add(
                VersionFileRow(
                    version_id=row.id, path=path, oid="sha256:" + "ab" * 32, size_bytes=2**32 + 1
                )
            )
            added.files += 1
        for key, value in (("accuracy", 0.5 + row.id % 10 / 100), ("loss", 1.0)):
            session.add(VersionMetricRow(version_id=row.id, key=key, value=value))
    session.add(VersionAliasRow(model_id=model.id, alias="production", version_id=rows[2].id))
    for b, bench in enumerate(benchmarks):
        score = float((n * 7 + b * 13) % 100)
        session.add(
            BenchmarkScoreRow(
                model_id=model.id,
                benchmark_id=bench.id,
                score=score,
                max_score=100.0,
                normalized_score=normalize(score, 100.0),
                source="synthetic",
                source_url=f"https://example.org/{tag}/{n}/{b}",
            )
        )
        added.scores += 1
    for p, provider in enumerate(providers):
        session.add(
            ProviderPricingRow(
                provider_id=provider.id,
                model_id=model.id,
                input_price_per_m=0.1 * (p + 1) + m,
                output_price_per_m=0.3 * (p + 1) + m,
                valid_from=datetime(2024, 1, 1, tzinfo=UTC),
            )
        )
        added.prices += 1
