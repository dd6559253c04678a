"""Loads the hand-written demo catalog in `seeds/` (format: seeds/FORMAT.md), idempotently.

Everything is written by one command (app/commands/seed.py), in one transaction; a second
run finds every row unchanged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.commands import model_writer
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    FamilyRow,
    LicenseRow,
    ModelRow,
    OrganizationRow,
    ProviderPricingRow,
    ProviderRow,
)
from app.seed.registry import load_registry
from app.seed.upsert import Index, Tally, upsert
from app.services.scoring import normalize

# Seeded prices and scores carry no date of their own beyond the file; prices start here.
SEED_PRICES_FROM = datetime(2024, 1, 1, tzinfo=UTC)


@dataclass
class SeedReport:
    tally: Tally

    def summary(self) -> str:
        return self.tally.summary()


def _read(seeds_dir: Path, name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((seeds_dir / name).read_text())
    return data


def _ts(text: str | None) -> datetime | None:
    if text is None:
        return None
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class Loader:
    def __init__(self, session: AsyncSession, seeds_dir: Path) -> None:
        self.session = session
        self.dir = seeds_dir
        self.tally = Tally()
        self.orgs: dict[str, OrganizationRow] = {}
        self.models: dict[str, ModelRow] = {}
        self.versions: dict[tuple[int, str], Any] = {}
        # What changed, for the events of the seed command.
        self.created_models: list[ModelRow] = []
        self.updated_models: dict[int, list[str]] = {}

    async def run(self) -> None:
        await self._reference_tables()
        await self._models()
        await self._providers()
        await self._registry()
        await self._scores()

    async def _reference_tables(self) -> None:
        s = self.session
        idx = await Index.load(s, OrganizationRow, "slug")
        for item in _read(self.dir, "organizations.json"):
            values = {k: item.get(k) for k in ("slug", "name", "description", "url")}
            self.orgs[item["slug"]] = upsert(
                s, idx, (item["slug"],), OrganizationRow, values, self.tally
            )
        idx = await Index.load(s, LicenseRow, "slug")
        for item in _read(self.dir, "licenses.json"):
            values = {k: item.get(k) for k in ("slug", "name", "allow_commercial", "url")}
            upsert(s, idx, (item["slug"],), LicenseRow, values, self.tally)
        idx = await Index.load(s, BenchmarkRow, "slug")
        for item in _read(self.dir, "benchmarks.json"):
            keys = ("slug", "name", "category", "max_score", "description", "url")
            values = {k: item.get(k) for k in keys}
            values["higher_is_better"] = item.get("higher_is_better", True)
            upsert(s, idx, (item["slug"],), BenchmarkRow, values, self.tally)
        await s.flush()
        idx = await Index.load(s, FamilyRow, "slug")
        for item in _read(self.dir, "families.json"):
            org = self.orgs.get(item.get("organization") or "")
            values = {
                "slug": item["slug"],
                "name": item["name"],
                "organization_id": org.id if org else None,
            }
            upsert(s, idx, (item["slug"],), FamilyRow, values, self.tally)
        await s.flush()

    async def _models(self) -> None:
        s = self.session
        licenses = await Index.load(s, LicenseRow, "slug")
        families = await Index.load(s, FamilyRow, "slug")
        idx = await Index.load(s, ModelRow, "organization_id", "slug")
        items = _read(self.dir, "models.json")
        for item in items:
            org = self.orgs[item["organization"]]
            lic = licenses.get((item.get("license"),))
            fam = families.get((item.get("family"),))
            sources = item.get("sources") or {}
            values = {
                "organization_id": org.id,
                "slug": item["slug"],
                "name": item["name"],
                "description": item.get("description") or "",
                "license_id": lic.id if lic else None,
                "family_id": fam.id if fam else None,
                "open_weight": bool(item.get("open_weight")),
                "model_type": item.get("model_type"),
                "task": item.get("task"),
                "framework": item.get("framework"),
                "context_window": item.get("context_window"),
                "param_count": item.get("param_count"),
                "release_date": date.fromisoformat(item["release_date"])
                if item.get("release_date")
                else None,
                "source": item.get("source"),
                "url": item.get("url"),
                "source_api_ref": sources.get("api_ref"),
                "source_paper": sources.get("paper"),
                "source_weights": sources.get("weights"),
                "source_repo": sources.get("repo"),
                "is_public": item.get("is_public", True),
                "modalities": list(item.get("modalities") or []),
                "tags": list(item.get("tags") or []),
                "author": item.get("author"),
                "permalink": item.get("permalink"),
                "features": list(item.get("features") or []),
                "images": list(item.get("images") or []),
                "is_active": item.get("is_active", True),
                "is_recommended": item.get("is_recommended", False),
                "is_commercial": item.get("is_commercial", False),
                "is_expired": item.get("is_expired", False),
            }
            row = idx.get((org.id, item["slug"]))
            if row is None:
                row = idx[(org.id, item["slug"])] = model_writer.add(s, values)
                self.created_models.append(row)
                self.tally["created"] += 1
            else:
                changed = model_writer.assign(row, values)
                if changed:
                    self.updated_models[row.id] = changed
                self.tally["updated" if changed else "unchanged"] += 1
            self.models[f"{item['organization']}/{item['slug']}"] = row
        await s.flush()
        for item in items:
            row = self.models[f"{item['organization']}/{item['slug']}"]
            base = self.models.get(item.get("base_model") or "")
            if row.base_model_id != (base.id if base else None):
                row.base_model_id = base.id if base else None
        # model_modalities / model_tags mirror the JSON columns for indexed filtering.
        self.tally.update(await model_writer.sync_mirrors(s, list(self.models.values())))

    async def _providers(self) -> None:
        s = self.session
        idx = await Index.load(s, ProviderRow, "slug")
        prices = await Index.load(s, ProviderPricingRow, "provider_id", "model_id", "valid_to")
        for item in _read(self.dir, "providers.json"):
            values = {k: item.get(k) for k in ("slug", "name", "url")}
            provider = upsert(s, idx, (item["slug"],), ProviderRow, values, self.tally)
            await s.flush()
            for price in item.get("pricing") or []:
                model = self.models[price["model"]]
                values = {
                    "provider_id": provider.id,
                    "model_id": model.id,
                    "status": price.get("status", "active"),
                    "input_price_per_m": price.get("input_price_per_m"),
                    "output_price_per_m": price.get("output_price_per_m"),
                    "valid_from": SEED_PRICES_FROM,
                    "valid_to": None,
                    "source": "demo catalog",
                    "source_url": price.get("source_url"),
                }
                key = (provider.id, model.id, None)
                upsert(s, prices, key, ProviderPricingRow, values, self.tally)
        await s.flush()

    async def _registry(self) -> None:
        self.versions = await load_registry(self.session, self.dir, self.models, self.tally)

    async def _scores(self) -> None:
        s = self.session
        benchmarks = await Index.load(s, BenchmarkRow, "slug")
        idx = await Index.load(
            s, BenchmarkScoreRow, "model_id", "benchmark_id", "version_id", "source_url"
        )
        seen: set[tuple[Any, ...]] = set()
        for item in _read(self.dir, "scores.json"):
            model = self.models[item["model"]]
            bench = benchmarks[(item["benchmark"],)]
            version = (
                self.versions.get((model.id, item["version"])) if item.get("version") else None
            )
            key = (model.id, bench.id, version.id if version else None, item.get("source_url"))
            if key in seen:
                raise ValueError(
                    f"scores.json: duplicate score {item['model']} / {item['benchmark']}"
                )
            seen.add(key)
            max_score = item.get("max_score", bench.max_score)
            self_reported = bool(item.get("is_self_reported", True))
            verified = bool(item.get("is_verified", False))
            values = {
                "model_id": model.id,
                "benchmark_id": bench.id,
                "version_id": version.id if version else None,
                "score": float(item["score"]),
                "max_score": max_score,
                "normalized_score": normalize(float(item["score"]), max_score),
                "is_self_reported": self_reported,
                "is_verified": verified,
                "kind": "SELF_REPORTED"
                if self_reported
                else ("VERIFIED" if verified else "THIRD_PARTY"),
                "scored_at": _ts(item.get("scored_at")),
                "source": item.get("source"),
                "source_url": item.get("source_url"),
                "uncertainty": item.get("uncertainty"),
            }
            upsert(s, idx, key, BenchmarkScoreRow, values, self.tally)
        await s.flush()
