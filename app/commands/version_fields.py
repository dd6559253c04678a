"""Checks and column values of a version's metadata (publish and update)."""

from __future__ import annotations

import uuid
from dataclasses import fields
from typing import Any

from app.commands.inputs import UNSET, NewVersion, VersionMetadata
from app.repositories.registry_writes import MARKETPLACE_TEXT_FIELDS
from app.services.validation import PUBLISHABLE_STATUSES, Checker, Loc
from app.services.validation import camel as _camel

_METADATA_FIELDS = tuple(f.name for f in fields(VersionMetadata))


def check_metadata(check: Checker, meta: VersionMetadata, loc: Loc) -> None:
    if meta.metrics not in (None, UNSET):
        check.metrics((*loc, "metrics"), meta.metrics)
    if meta.origin not in (None, UNSET) and not isinstance(meta.origin, dict):
        check.add((*loc, "origin"), "must be an object", "type_error.object")
    for name in MARKETPLACE_TEXT_FIELDS:
        value = getattr(meta, name)
        if isinstance(value, str):
            check.text((*loc, _camel(name)), value, max_len=100_000)
    if isinstance(meta.source_type, str):
        check.text((*loc, "sourceType"), meta.source_type, max_len=100)
    for index, stat in enumerate(meta.statistics or []):
        label = stat.get("label")
        check.text((*loc, "statistics", index, "label"), label, required=True, max_len=200)
        if stat.get("value") is not None:
            check.finite((*loc, "statistics", index, "value"), stat["value"])
    for field_name in ("inputs", "outputs"):
        for index, spec in enumerate(getattr(meta, field_name) or []):
            spec_loc = (*loc, field_name, index)
            check.text((*spec_loc, "name"), spec.get("name"), required=True, max_len=200)
            check.non_negative((*spec_loc, "maximumSize"), spec.get("maximum_size"))
    if isinstance(meta.timeout, dict):
        check.non_negative((*loc, "timeout", "status"), meta.timeout.get("status"))
        check.non_negative((*loc, "timeout", "run"), meta.timeout.get("run"))
    if isinstance(meta.processing, dict):
        low = meta.processing.get("minimum_parallel_capacity")
        high = meta.processing.get("maximum_parallel_capacity")
        if low is not None and high is not None and low > high:
            check.add((*loc, "processing"), "minimum exceeds maximum")


def metadata_values(meta: VersionMetadata) -> dict[str, Any]:
    """Column values for the fields the caller gave (UNSET fields are left alone)."""
    values: dict[str, Any] = {}
    # Only the metadata fields, also when `meta` is a NewVersion.
    for name in _METADATA_FIELDS:
        value = getattr(meta, name)
        if value is UNSET or name in ("metrics", "statistics"):
            continue
        if name in ("inputs", "outputs"):
            value = [dict(v) for v in value or []]
        elif name in ("tags", "dataset_refs"):
            value = list(value or [])
        elif name == "origin":
            value = dict(value or {})
        elif name in ("is_available", "is_public") and value is None:
            continue
        values[name] = value
    return values


def statistics_values(stats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [dict(s) for s in stats]


def check_publish(data: NewVersion) -> None:
    check = Checker()
    check.semver(("input", "version"), data.version)
    if data.artifact_id is not None:
        try:
            uuid.UUID(data.artifact_id)
        except ValueError:
            check.add(("input", "artifactId"), "must be a UUID", "value_error.uuid")
    if data.status not in PUBLISHABLE_STATUSES:
        check.add(
            ("input", "status"), f"a new version may be {', '.join(sorted(PUBLISHABLE_STATUSES))}"
        )
    for index, f in enumerate(data.files):
        check.text(("input", "files", index, "path"), f["path"], required=True, max_len=500)
        check.oid(("input", "files", index, "oid"), f["oid"])
        check.non_negative(("input", "files", index, "sizeBytes"), f["size_bytes"])
    check.unique(("input", "files"), [f["path"] for f in data.files], "path")
    for index, alias in enumerate(data.aliases):
        check.alias(("input", "aliases", index), alias)
    for name in ("framework", "architecture", "task"):
        check.text(("input", name), getattr(data, name), max_len=100)
    check.text(("input", "baseModel"), data.base_model, max_len=300)
    check_metadata(check, data, ("input",))
    check.raise_if_any("Invalid version")
