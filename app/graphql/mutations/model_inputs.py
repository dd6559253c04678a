"""Input types for creating and updating models, with their checks and column values."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.tables import FamilyRow, LicenseRow
from app.graphql.scalars import BigInt
from app.repositories import catalog as catalog_repo
from app.repositories import models as models_repo
from app.services.validation import Checker, Loc
from app.services.validation import camel as _camel


@strawberry.input(description="Links about a model (each http or https, or null).")
class ModelSourcesInput:
    api_ref: str | None = strawberry.field(default=None, description="API reference URL.")
    paper: str | None = strawberry.field(default=None, description="Paper or model card URL.")
    weights: str | None = strawberry.field(
        default=None, description="URL where the weights are published."
    )
    repo: str | None = strawberry.field(default=None, description="Source code repository URL.")


@strawberry.input(description="A marketplace tag of a model.")
class ModelTagInput:
    identifier: str = strawberry.field(
        description="Stable tag identifier (1-100 characters), unique among the model's tags."
    )
    name: str = strawberry.field(description="Display name (1-200 characters).")
    data_type: str | None = strawberry.field(
        default=None, description="The kind of value the tag stands for."
    )
    is_categorical: bool = strawberry.field(
        default=True, description="True (the default) when the tag is a category."
    )


@strawberry.input(description="Model fields; on update, omitted fields are left unchanged.")
class ModelFieldsInput:
    name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Display name (1-300 characters); required when creating.",
    )
    description: str | None = strawberry.field(
        default=strawberry.UNSET, description="Free text (at most 100,000 characters)."
    )
    license: str | None = strawberry.field(default=strawberry.UNSET, description="License slug.")
    family: str | None = strawberry.field(default=strawberry.UNSET, description="Family slug.")
    base_model: str | None = strawberry.field(default=strawberry.UNSET, description="`org/slug`.")
    open_weight: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Whether the weights are downloadable. Null is refused; "
        "omit to leave unchanged.",
    )
    model_type: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Kind of model, e.g. `chat`, `embedding` (at most 200 characters).",
    )
    modalities: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description='Modalities it handles, e.g. `["text", "image"]`; no duplicates.',
    )
    task: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Main task, e.g. `text-generation` (at most 200 characters).",
    )
    framework: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Framework or format, e.g. `pytorch`, `gguf` (at most 200 characters).",
    )
    context_window: BigInt | None = strawberry.field(
        default=strawberry.UNSET, description="Context window in tokens (≥ 0)."
    )
    param_count: BigInt | None = strawberry.field(
        default=strawberry.UNSET, description="Number of parameters (≥ 0)."
    )
    release_date: date | None = strawberry.field(
        default=strawberry.UNSET, description="Public release date."
    )
    source: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Where the facts come from, in words (at most 200 characters).",
    )
    url: str | None = strawberry.field(
        default=strawberry.UNSET, description="The model's home page (http or https)."
    )
    sources: ModelSourcesInput | None = strawberry.field(
        default=strawberry.UNSET, description="Links to its documentation, paper, weights and code."
    )
    is_public: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Visibility of the model and all its versions."
    )
    author: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Author shown by the marketplace (at most 200 characters).",
    )
    permalink: str | None = strawberry.field(
        default=strawberry.UNSET, description="Marketplace permalink (http or https)."
    )
    features: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Marketplace feature labels."
    )
    tags: list[ModelTagInput] | None = strawberry.field(
        default=strawberry.UNSET,
        description="Marketplace tags (replaces them all); identifiers must be unique.",
    )
    images: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Image URLs (http or https)."
    )
    is_active: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Listed as active by the marketplace. Null is refused; omit"
        " to leave unchanged.",
    )
    is_recommended: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="Recommended by the marketplace. Null is refused; omit to leave unchanged.",
    )
    is_commercial: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="A commercial offering. Null is refused; omit to leave unchanged.",
    )
    is_expired: bool | None = strawberry.field(
        default=strawberry.UNSET,
        description="No longer offered by the marketplace. Null is refused; "
        "omit to leave unchanged.",
    )


@strawberry.input(description="A new model in an organization.")
class CreateModelInput(ModelFieldsInput):
    # What the server requires is non-null here: a name, and true or false (never null) for
    # the flags, whose defaults are the catalog's.
    name: str = strawberry.field(description="Display name (1-300 characters).")
    open_weight: bool = strawberry.field(
        default=False, description="Whether the weights are downloadable; default false."
    )
    is_public: bool = strawberry.field(
        default=True,
        description="Visibility of the model and all its versions; default true (false: only "
        "the organization's tokens see it).",
    )
    is_active: bool = strawberry.field(
        default=True, description="Listed as active by the marketplace; default true."
    )
    is_recommended: bool = strawberry.field(
        default=False, description="Recommended by the marketplace; default false."
    )
    is_commercial: bool = strawberry.field(
        default=False, description="A commercial offering; default false."
    )
    is_expired: bool = strawberry.field(
        default=False, description="No longer offered by the marketplace; default false."
    )
    organization: str = strawberry.field(description="Organization slug.")
    slug: str = strawberry.field(
        description="Identifier within the organization (lowercase letters, "
        "digits, `.`, `_`, `-`); with it, `org/slug` names the "
        "model."
    )


def _given(value: Any) -> bool:
    return value is not strawberry.UNSET and value is not None


_BOOLEANS = (
    "open_weight",
    "is_public",
    "is_active",
    "is_recommended",
    "is_commercial",
    "is_expired",
)


def check_model_fields(check: Checker, data: ModelFieldsInput, loc: Loc, *, creating: bool) -> None:
    if creating or data.name is not strawberry.UNSET:
        check.text((*loc, "name"), data.name or "", required=True, max_len=300)
    check.text((*loc, "description"), _str(data.description), max_len=100_000)
    for name in ("model_type", "task", "framework", "source", "author"):
        check.text((*loc, _camel(name)), _str(getattr(data, name)), max_len=200)
    for name in ("url", "permalink"):
        check.url((*loc, name), _str(getattr(data, name)))
    if _given(data.sources):
        for key in ("api_ref", "paper", "weights", "repo"):
            check.url((*loc, "sources", _camel(key)), getattr(data.sources, key))
    for index, image in enumerate(data.images or []):
        check.url((*loc, "images", index), image)
    check.non_negative((*loc, "contextWindow"), _num(data.context_window))
    check.non_negative((*loc, "paramCount"), _num(data.param_count))
    for index, tag in enumerate(data.tags or []):
        check.text((*loc, "tags", index, "identifier"), tag.identifier, required=True, max_len=100)
        check.text((*loc, "tags", index, "name"), tag.name, required=True, max_len=200)
    if _given(data.tags):
        check.unique((*loc, "tags"), [t.identifier for t in data.tags or []], "tag")
    if _given(data.modalities):
        check.unique((*loc, "modalities"), data.modalities or [], "modality")
    if _given(data.base_model) and "/" not in (data.base_model or ""):
        check.add((*loc, "baseModel"), "must be 'org/slug'")
    for name in _BOOLEANS:
        if getattr(data, name) is None:
            check.add((*loc, _camel(name)), "must be true or false", "type_error.none")


async def model_values(
    session: AsyncSession, viewer: Viewer, check: Checker, data: ModelFieldsInput, loc: Loc
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
        if value is not strawberry.UNSET:
            values[name] = value if name != "description" else (value or "")
    for name in ("modalities", "features", "images"):
        value = getattr(data, name)
        if value is not strawberry.UNSET:
            values[name] = list(value or [])
    if data.tags is not strawberry.UNSET:
        values["tags"] = [
            {"identifier": t.identifier, "name": t.name, "data_type": t.data_type,
             "is_categorical": t.is_categorical}
            for t in data.tags or []
        ]  # fmt: skip
    if data.sources is not strawberry.UNSET:
        for key in ("api_ref", "paper", "weights", "repo"):
            values[f"source_{key}"] = getattr(data.sources, key) if data.sources else None
    references: list[tuple[str, Any, str | None]] = [
        ("license_id", LicenseRow, data.license),
        ("family_id", FamilyRow, data.family),
    ]
    for column, table, slug in references:
        if slug is strawberry.UNSET:
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
    if data.base_model is not strawberry.UNSET:
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
