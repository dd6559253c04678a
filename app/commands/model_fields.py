"""Checks and column values of a model's fields (create and update)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands.inputs import UNSET, ModelFields, given
from app.db.tables import FamilyRow, LicenseRow
from app.repositories import catalog as catalog_repo
from app.repositories import models as models_repo
from app.services.validation import Checker, Loc
from app.services.validation import camel as _camel

_BOOLEANS = (
    "open_weight",
    "is_public",
    "is_active",
    "is_recommended",
    "is_commercial",
    "is_expired",
)
_SOURCE_KEYS = ("api_ref", "paper", "weights", "repo")


def check_model_fields(check: Checker, data: ModelFields, loc: Loc, *, creating: bool) -> None:
    if creating or data.name is not UNSET:
        check.text((*loc, "name"), data.name or "", required=True, max_len=300)
    check.text((*loc, "description"), _str(data.description), max_len=100_000)
    for name in ("model_type", "task", "framework", "source", "author"):
        check.text((*loc, _camel(name)), _str(getattr(data, name)), max_len=200)
    for name in ("url", "permalink"):
        check.url((*loc, name), _str(getattr(data, name)))
    if given(data.sources):
        for key in _SOURCE_KEYS:
            check.url((*loc, "sources", _camel(key)), (data.sources or {}).get(key))
    for index, image in enumerate(data.images or []):
        check.url((*loc, "images", index), image)
    check.non_negative((*loc, "contextWindow"), _num(data.context_window))
    check.non_negative((*loc, "paramCount"), _num(data.param_count))
    for index, tag in enumerate(data.tags or []):
        tag_loc = (*loc, "tags", index)
        check.text((*tag_loc, "identifier"), tag["identifier"], required=True, max_len=100)
        check.text((*tag_loc, "name"), tag["name"], required=True, max_len=200)
    if given(data.tags):
        check.unique((*loc, "tags"), [t["identifier"] for t in data.tags or []], "tag")
    if given(data.modalities):
        check.unique((*loc, "modalities"), data.modalities or [], "modality")
    if given(data.base_model) and "/" not in (data.base_model or ""):
        check.add((*loc, "baseModel"), "must be 'org/slug'")
    for name in _BOOLEANS:
        if getattr(data, name) is None:
            check.add((*loc, _camel(name)), "must be true or false", "type_error.none")


async def model_values(
    session: AsyncSession, viewer: Viewer, check: Checker, data: ModelFields, loc: Loc
) -> dict[str, Any]:
    """Column values for the given fields; unknown license/family/base model are field errors."""
    values: dict[str, Any] = {}
    plain = (
        "name", "description", "open_weight", "model_type", "task", "framework", "context_window",
        "param_count", "release_date", "source", "url", "is_public", "author", "permalink",
        "is_active", "is_recommended", "is_commercial", "is_expired",
    )  # fmt: skip
    for name in plain:
        value = getattr(data, name)
        if value is not UNSET:
            values[name] = value if name != "description" else (value or "")
    for name in ("modalities", "features", "images"):
        value = getattr(data, name)
        if value is not UNSET:
            values[name] = list(value or [])
    if data.tags is not UNSET:
        values["tags"] = [
            {"identifier": t["identifier"], "name": t["name"], "data_type": t.get("data_type"),
             "is_categorical": t.get("is_categorical", True)}
            for t in data.tags or []
        ]  # fmt: skip
    if data.sources is not UNSET:
        for key in _SOURCE_KEYS:
            values[f"source_{key}"] = (data.sources or {}).get(key)
    references: list[tuple[str, Any, str | None]] = [
        ("license_id", LicenseRow, data.license),
        ("family_id", FamilyRow, data.family),
    ]
    for column, table, slug in references:
        if slug is UNSET:
            continue
        if slug is None:
            values[column] = None
            continue
        rows = await catalog_repo.by_slugs(session, table, [slug])
        if rows:
            values[column] = rows[0].id
        else:
            check.add(
                (*loc, column.removesuffix("_id")), f"unknown slug '{slug}'", "value_error.unknown"
            )
    if data.base_model is not UNSET:
        values["base_model_id"] = None
        if data.base_model:
            org, _, slug = data.base_model.partition("/")
            # Through the visibility rule: another org's private model is "unknown" too.
            found = await models_repo.by_names(session, viewer, [(org, slug)])
            base = found[0][0] if found else None
            if base is None:
                check.add(
                    (*loc, "baseModel"), f"unknown model '{data.base_model}'", "value_error.unknown"
                )
            else:
                values["base_model_id"] = base.id
    return values


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _num(value: Any) -> int | None:
    return value if isinstance(value, int) else None
