"""GraphQL results → the seed pages' JSON (pure functions, no I/O).

Registry and catalog answers (seeds 000-003) use snake_case keys; the marketplace version
(seed 004) keeps its camelCase. Timestamps are ISO 8601 in UTC with a `Z` suffix.
"""

from __future__ import annotations

import json
from typing import Any

JSONObject = dict[str, Any]


def timestamp(value: str | None) -> str | None:
    """`2024-01-02T03:04:05+00:00` or a naive UTC time → `2024-01-02T03:04:05Z`."""
    if value is None:
        return None
    if value.endswith("+00:00"):
        return value[: -len("+00:00")] + "Z"
    if value.endswith("Z") or "+" in value[10:] or "-" in value[10:]:
        return value
    return value + "Z"


# --- registry (seeds 000, 001, 002) -------------------------------------------------------


def version_summary(version: JSONObject) -> JSONObject:
    """Seed 001's "model artifact summary" (also the head of seed 002's detail)."""
    return {
        "id": version["artifactId"],
        "name": version["name"],
        "version": version["version"],
        "created_at": timestamp(version["createdAt"]),
        "updated_at": timestamp(version["updatedAt"]),
        "download_count": version["downloadCount"],
        "framework": version["framework"],
        "is_public": version["isPublic"],
        "origin": version["origin"],
        "status": version["status"],
        "aliases": version["aliases"],
    }


def version_detail(version: JSONObject) -> JSONObject:
    """Seed 002's "full model artifact detail": the summary plus the artifact map and more."""
    return {
        **version_summary(version),
        "artifacts": version["fileOids"],
        "file_size_bytes": version["fileSizeBytes"],
        "architecture": version["architecture"],
        "task": version["task"],
        "base_model": version["baseModel"],
        "dataset_refs": version["datasetRefs"],
        "tags": version["tags"],
        "metrics": version["metrics"],
    }


def version_list(
    canonical_name: str, latest: JSONObject | None, versions: list[JSONObject]
) -> JSONObject:
    """Seed 001: `name`, `latest` and every version newest first."""
    return {
        "name": canonical_name,
        "latest": version_summary(latest) if latest is not None else None,
        "versions": [version_summary(v) for v in versions],
    }


def comparison(result: JSONObject) -> JSONObject:
    """Seed 000: `metric_keys` (sorted union), `name`, `versions` in the order asked."""
    return {
        "name": result["name"],
        "metric_keys": result["metricKeys"],
        "versions": [
            {
                "version": v["version"],
                "aliases": v["aliases"],
                "architecture": v["architecture"],
                "base_model": v["baseModel"],
                "created_at": timestamp(v["createdAt"]),
                "dataset_refs": v["datasetRefs"],
                "file_size_bytes": v["fileSizeBytes"],
                "framework": v["framework"],
                "metrics": v["metrics"],
                "tags": v["tags"],
                "task": v["task"],
            }
            for v in result["versions"]
        ],
    }


# --- LLM catalog (seed 003) ---------------------------------------------------------------


def score(node: JSONObject) -> JSONObject:
    return {
        "benchmark_id": node["benchmarkId"],
        "benchmark_name": node["benchmarkName"],
        "score": node["score"],
        "max_score": node["maxScore"],
        "is_self_reported": node["isSelfReported"],
        "verified_by_llmstats": node["isVerified"],
        "scored_at": timestamp(node["scoredAt"]),
        "category": node["category"],
        "normalized_score": node["normalizedScore"],
    }


def catalog_model(model: JSONObject, scores: list[JSONObject]) -> JSONObject:
    """Seed 003. `id` is the canonical `org/slug`; refs use slugs as ids; `top_scores` maps a
    benchmark id to the model's best score on it (best first)."""
    license_ = model["license"]
    family = model["family"]
    sources = model["sources"]
    return {
        "id": model["canonicalName"],
        "name": model["name"],
        "description": model["description"],
        "organization": {
            "id": model["organization"]["slug"],
            "name": model["organization"]["name"],
        },
        "license": (
            {
                "id": license_["slug"],
                "name": license_["name"],
                "allow_commercial": license_["allowCommercial"],
            }
            if license_ is not None
            else None
        ),
        "open_weight": model["openWeight"],
        "model_type": model["modelType"],
        "modalities": model["modalities"],
        "providers": [
            {
                "provider_id": p["providerId"],
                "provider_name": p["providerName"],
                "status": p["status"],
                "input_price_per_m": p["inputPricePerM"],
                "output_price_per_m": p["outputPricePerM"],
            }
            for p in model["providers"]
        ],
        "top_scores": {s["benchmarkId"]: s["score"] for s in model["topScores"]},
        "created_at": timestamp(model["createdAt"]),
        "updated_at": timestamp(model["updatedAt"]),
        "source": model["source"],
        "url": model["url"],
        "scores": [score(s) for s in scores],
        "sources": {
            "api_ref": sources["apiRef"],
            "paper": sources["paper"],
            "weights": sources["weights"],
            "repo": sources["repo"],
        },
        "family": {"id": family["slug"], "name": family["name"]} if family else None,
        "context_window": model["contextWindow"],
        "param_count": model["paramCount"],
        "release_date": model["releaseDate"],
    }


def model_list(models: list[JSONObject], total: int, next_cursor: str | None) -> JSONObject:
    return {"models": models, "total": total, "next_cursor": next_cursor}


# --- marketplace (seed 004) ---------------------------------------------------------------

# Steps of the marketplace's container pipeline: 1 upload, 2 load (/status), 3 test, 4 run.
LOAD_STEP = 2
RUN_STEP = 4


def _container_reference(image: JSONObject | None) -> str | None:
    if image is None:
        return None
    parts = [image.get("registryHost"), image.get("repositoryNamespace")]
    parts.append(image.get("repositoryName"))
    reference = "/".join(p for p in parts if p)
    prefix = image.get("imagePrefix")
    return f"{reference}:{prefix}" if reference and prefix else reference or None


def _sample_output(text: str | None) -> Any:
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return text


def load_status(version: JSONObject) -> JSONObject:
    """Derived from the container image's load status and percentage."""
    image = version["containerImage"] or {}
    return {
        "step": LOAD_STEP,
        "stepName": image.get("loadStatus") or "NOT_LOADED",
        "percentage": image.get("loadPercentage") or 0,
    }


def run_status(version: JSONObject) -> JSONObject:
    """Derived: an ACTIVE version has passed its run check; its result is the sample output
    (the model's test result) and the run window is the version's creation/last update."""
    passed = version["status"] == "ACTIVE"
    return {
        "step": RUN_STEP,
        "stepName": "RUN_COMPLETE" if passed else "NOT_RUN",
        "percentage": 100 if passed else 0,
        "result": {
            "status": "SUCCEEDED" if passed else "NOT_RUN",
            "engine": _container_reference(version["containerImage"]),
            "error": None,
            "startTime": timestamp(version["createdAt"]),
            "endTime": timestamp(version["updatedAt"]),
            "updateTime": timestamp(version["updatedAt"]),
            "results.json": _sample_output(version["sampleOutput"]),
        },
    }


def marketplace_version(model: JSONObject, version_strings: list[str]) -> JSONObject:
    """Seed 004's "model version" object (camelCase), with its parent model's metadata."""
    version = model["version"]
    latest = model["latestVersion"]
    latest_active = model["latestActiveVersion"]
    return {
        "version": version["version"],
        "createdAt": timestamp(version["createdAt"]),
        "updatedAt": timestamp(version["updatedAt"]),
        "inputValidationSchema": version["inputValidationSchema"],
        "timeout": version["timeout"],
        "requirement": version["requirement"],
        "containerImage": version["containerImage"],
        "loadStatus": load_status(version),
        "runStatus": run_status(version),
        "inputs": version["inputs"],
        "outputs": version["outputs"],
        "statistics": version["statistics"],
        "isActive": version["isActive"],
        "longDescription": version["longDescription"],
        "technicalDetails": version["technicalDetails"],
        "sampleInput": version["sampleInput"],
        "sampleOutput": version["sampleOutput"],
        "isAvailable": version["isAvailable"],
        "sourceType": version["sourceType"],
        "versionHistory": version["versionHistory"],
        "status": version["status"].lower(),
        "performanceSummary": version["performanceSummary"],
        "model": {
            "modelId": model["canonicalName"],
            "latestVersion": latest["version"] if latest else None,
            "latestActiveVersion": latest_active["version"] if latest_active else None,
            "versions": version_strings,
            "author": model["author"],
            "name": model["name"],
            "description": model["description"],
            "permalink": model["permalink"],
            "features": model["features"],
            "isActive": model["isActive"],
            "isRecommended": model["isRecommended"],
            "isCommercial": model["isCommercial"],
            "tags": model["tags"],
            "images": model["images"],
            "isExpired": model["isExpired"],
            "lastActiveDateTime": timestamp(
                latest_active["updatedAt"] if latest_active else model["updatedAt"]
            ),
            # The catalog records tokens, not people: no e-mail; the author stands for the name.
            "createdByEmail": None,
            "createdByFullName": model["author"],
        },
        "processing": version["processing"],
        # Whether the version's artifacts are still held by this registry.
        "availableInClientRegistry": version["status"] != "DELETED",
    }
