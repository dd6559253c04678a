"""Input types for creating and updating models (checked by app/commands/model_fields.py)."""

from __future__ import annotations

from datetime import date

import strawberry

from app.graphql.scalars import BigInt


@strawberry.input
class ModelSourcesInput:
    api_ref: str | None = None
    paper: str | None = None
    weights: str | None = None
    repo: str | None = None


@strawberry.input
class ModelTagInput:
    identifier: str
    name: str
    data_type: str | None = None
    is_categorical: bool = True


@strawberry.input(description="Model fields; on update, omitted fields are left unchanged.")
class ModelFieldsInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    license: str | None = strawberry.field(default=strawberry.UNSET, description="License slug.")
    family: str | None = strawberry.field(default=strawberry.UNSET, description="Family slug.")
    base_model: str | None = strawberry.field(default=strawberry.UNSET, description="`org/slug`.")
    open_weight: bool | None = strawberry.UNSET
    model_type: str | None = strawberry.UNSET
    modalities: list[str] | None = strawberry.UNSET
    task: str | None = strawberry.UNSET
    framework: str | None = strawberry.UNSET
    context_window: BigInt | None = strawberry.UNSET
    param_count: BigInt | None = strawberry.UNSET
    release_date: date | None = strawberry.UNSET
    source: str | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    sources: ModelSourcesInput | None = strawberry.UNSET
    is_public: bool | None = strawberry.field(
        default=strawberry.UNSET, description="Visibility of the model and all its versions."
    )
    author: str | None = strawberry.UNSET
    permalink: str | None = strawberry.UNSET
    features: list[str] | None = strawberry.UNSET
    tags: list[ModelTagInput] | None = strawberry.UNSET
    images: list[str] | None = strawberry.UNSET
    is_active: bool | None = strawberry.UNSET
    is_recommended: bool | None = strawberry.UNSET
    is_commercial: bool | None = strawberry.UNSET
    is_expired: bool | None = strawberry.UNSET


@strawberry.input(description="A new model in an organization.")
class CreateModelInput(ModelFieldsInput):
    organization: str = strawberry.field(description="Organization slug.")
    slug: str
