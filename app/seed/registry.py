"""The registry side of the demo catalog: versions, files, metrics, statistics, aliases."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import (
    ModelRow,
    ModelVersionRow,
    VersionAliasRow,
    VersionFileRow,
    VersionMetricRow,
    VersionStatisticRow,
)
from app.repositories.registry_writes import MARKETPLACE_TEXT_FIELDS
from app.seed.upsert import Index, Tally, upsert
from app.services import semver

_MARKETPLACE_FIELDS = (
    "requirement",
    "timeout",
    "container_image",
    "processing",
    "source_type",
    *MARKETPLACE_TEXT_FIELDS,
)


def _version_values(model: ModelRow, item: dict[str, Any]) -> dict[str, Any]:
    parsed = semver.parse(item["version"])
    files = item.get("files") or []
    values = {
        "model_id": model.id,
        "version": item["version"],
        "semver_key": semver.sort_key(parsed),
        "is_prerelease": parsed.is_prerelease,
        "artifact_id": item["artifact_id"],
        "framework": item.get("framework"),
        "architecture": item.get("architecture"),
        "task": item.get("task"),
        "base_model": item.get("base_model"),
        "dataset_refs": list(item.get("dataset_refs") or []),
        "tags": list(item.get("tags") or []),
        "is_public": item.get("is_public", True),
        "status": item.get("status", "ACTIVE"),
        "download_count": int(item.get("download_count") or 0),
        "file_size_bytes": sum(int(f["size_bytes"]) for f in files),
        "origin": item.get("origin") or {},
        "inputs": list(item.get("inputs") or []),
        "outputs": list(item.get("outputs") or []),
        "is_available": item.get("is_available", True),
    }
    values.update({name: item.get(name) for name in _MARKETPLACE_FIELDS})
    if item.get("created_at"):
        values["created_at"] = datetime.fromisoformat(item["created_at"].replace("Z", "+00:00"))
    return values


async def load_registry(
    session: AsyncSession, seeds_dir: Path, models: dict[str, ModelRow], tally: Tally
) -> dict[tuple[int, str], ModelVersionRow]:
    s = session
    entries: list[dict[str, Any]] = json.loads((seeds_dir / "registry.json").read_text())
    versions = await Index.load(s, ModelVersionRow, "model_id", "version")
    for entry in entries:
        model = models[entry["model"]]
        for item in entry["versions"]:
            key = (model.id, item["version"])
            upsert(s, versions, key, ModelVersionRow, _version_values(model, item), tally)
    await s.flush()

    files = await Index.load(s, VersionFileRow, "version_id", "path")
    metrics = await Index.load(s, VersionMetricRow, "version_id", "key")
    statistics = await Index.load(s, VersionStatisticRow, "version_id", "order", "label")
    aliases = await Index.load(s, VersionAliasRow, "model_id", "alias")
    for entry in entries:
        model = models[entry["model"]]
        for item in entry["versions"]:
            version = versions[(model.id, item["version"])]
            for f in item.get("files") or []:
                values = {
                    "version_id": version.id,
                    "path": f["path"],
                    "oid": f["oid"],
                    "size_bytes": int(f["size_bytes"]),
                }
                upsert(s, files, (version.id, f["path"]), VersionFileRow, values, tally)
            for metric_key, value in (item.get("metrics") or {}).items():
                values = {"version_id": version.id, "key": metric_key, "value": float(value)}
                upsert(s, metrics, (version.id, metric_key), VersionMetricRow, values, tally)
            for stat in item.get("statistics") or []:
                values = {
                    "version_id": version.id,
                    **{
                        k: stat.get(k)
                        for k in ("label", "category", "type", "description", "value")
                    },
                }
                values["highlight"] = bool(stat.get("highlight", False))
                values["order"] = int(stat.get("order", 0))
                stat_key = (version.id, values["order"], stat["label"])
                upsert(s, statistics, stat_key, VersionStatisticRow, values, tally)
        for alias, target in (entry.get("aliases") or {}).items():
            values = {
                "model_id": model.id,
                "alias": alias,
                "version_id": versions[(model.id, target)].id,
            }
            upsert(s, aliases, (model.id, alias), VersionAliasRow, values, tally)
    _resolve_lineage(versions, models)
    await s.flush()
    model_downloads: dict[int, int] = {}
    for (model_id, _), version in versions.items():
        model_downloads[model_id] = model_downloads.get(model_id, 0) + version.download_count
    for model in models.values():
        total = model_downloads.get(model.id, 0)
        if model.download_count != total:
            model.download_count = total
    return dict(versions)


def _resolve_lineage(versions: Index, models: dict[str, ModelRow]) -> None:
    """`base_model` "org/slug[@version]" → the base version when that model has versions
    (the named one, else its highest non-prerelease, non-deleted version)."""
    by_model: dict[int, list[ModelVersionRow]] = {}
    for (model_id, _), row in versions.items():
        by_model.setdefault(model_id, []).append(row)
    for row in versions.values():
        ref = row.base_model or ""
        name, _, wanted = ref.partition("@")
        base_model = models.get(name)
        target = None
        if base_model is not None:
            candidates = [
                v
                for v in by_model.get(base_model.id, [])
                if v.status != "DELETED"
                and (v.version == wanted if wanted else not v.is_prerelease)
            ]
            if candidates:
                target = max(candidates, key=lambda v: v.semver_key)
        target_id = target.id if target else None
        if row.base_version_id != target_id:
            row.base_version_id = target_id
