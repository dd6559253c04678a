"""Input types for creating and updating models (checked by app/commands/model_fields.py)."""

from __future__ import annotations

from datetime import date

import strawberry

from app.graphql.scalars import BigInt


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
