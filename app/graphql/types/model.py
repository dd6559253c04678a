"""Model: a catalog entry (seed 003) with its registry side (seeds 000-002, 004)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from app.errors import InvalidRequest, NotFound, validation_error
from app.graphql import context
from app.graphql.batching import now_or_later
from app.graphql.inputs import ScoreFilter
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.prefetch import MAX_TOP_SCORES
from app.graphql.scalars import BigInt
from app.graphql.types.alias_history import AliasChange
from app.graphql.types.enums import VersionStatus
from app.graphql.types.node import Node, to_global_id
from app.graphql.types.version import ModelVersion
from app.repositories import alias_history as alias_history_repo
from app.repositories import pricing as pricing_repo
from app.repositories import scores as scores_repo
from app.repositories import versions as versions_repo
from app.repositories.records import FamilyRecord, LicenseRecord, ModelRecord, OrganizationRecord
from app.services import costs, semver
from app.services.aliases import is_valid_alias
from app.services.pricing import DEFAULT_INPUT_OUTPUT_RATIO

if TYPE_CHECKING:
    from app.graphql.types.organization import Family, License, Organization
    from app.graphql.types.provider import ProviderPricing
    from app.graphql.types.score import BenchmarkScore

OrganizationRef = Annotated["Organization", strawberry.lazy("app.graphql.types.organization")]
LicenseRef = Annotated["License", strawberry.lazy("app.graphql.types.organization")]
FamilyRef = Annotated["Family", strawberry.lazy("app.graphql.types.organization")]
PricingRef = Annotated["ProviderPricing", strawberry.lazy("app.graphql.types.provider")]
ScoreRef = Annotated["BenchmarkScore", strawberry.lazy("app.graphql.types.score")]


@strawberry.type(description="Where the model is documented.")
class ModelSources:
    api_ref: str | None
    paper: str | None
    weights: str | None
    repo: str | None


@strawberry.type(description="A marketplace tag of a model.")
class ModelTag:
    identifier: str
    name: str
    data_type: str | None
    is_categorical: bool


@strawberry.type(description="A named pointer to a version (`latest`, `production`, ...).")
class ModelAlias:
    name: str
    version: str
    updated_at: datetime
    version_pk: strawberry.Private[int]

    @strawberry.field
    async def target(self, info: Info) -> ModelVersion | None:
        row = await context.loaders(info).version_by_id.load(self.version_pk)
        return ModelVersion.from_row(row) if row is not None else None


@strawberry.type(description="A source's id for a model (`llm-stats`, `litellm`, ...).")
class ExternalId:
    source: str
    id: str


@strawberry.type(description="An AI model: catalog facts, prices, scores and versions.")
class Model(Node):
    pk: strawberry.Private[int]
    organization_record: strawberry.Private[OrganizationRecord]
    license_record: strawberry.Private[LicenseRecord | None]
    family_record: strawberry.Private[FamilyRecord | None]
    base_model_pk: strawberry.Private[int | None]
    slug: str
    name: str
    canonical_name: str = strawberry.field(description="`org/slug`.")
    description: str
    open_weight: bool
    model_type: str | None
    modalities: list[str]
    task: str | None
    framework: str | None
    context_window: BigInt | None = strawberry.field(description="Tokens.")
    param_count: BigInt | None
    release_date: date | None
    created_at: datetime
    updated_at: datetime
    source: str | None
    url: str | None
    sources: ModelSources
    download_count: BigInt
    is_public: bool
    author: str | None
    permalink: str | None
    features: list[str]
    is_active: bool
    is_recommended: bool
    is_commercial: bool
    is_expired: bool
    tags: list[ModelTag]
    images: list[str]

    @classmethod
    def from_record(cls, record: ModelRecord) -> Model:
        m = record.model
        return cls(
            id=to_global_id("Model", m.id),
            pk=m.id,
            organization_record=record.organization,
            license_record=record.license,
            family_record=record.family,
            base_model_pk=m.base_model_id,
            slug=m.slug,
            name=m.name,
            canonical_name=f"{record.organization.slug}/{m.slug}",
            description=m.description,
            open_weight=m.open_weight,
            model_type=m.model_type,
            modalities=list(m.modalities or []),
            task=m.task,
            framework=m.framework,
            context_window=_big(m.context_window),
            param_count=_big(m.param_count),
            release_date=m.release_date,
            created_at=m.created_at,
            updated_at=m.updated_at,
            source=m.source,
            url=m.url,
            sources=ModelSources(
                api_ref=m.source_api_ref,
                paper=m.source_paper,
                weights=m.source_weights,
                repo=m.source_repo,
            ),
            download_count=BigInt(m.download_count),
            is_public=m.is_public,
            author=m.author,
            permalink=m.permalink,
            features=list(m.features or []),
            is_active=m.is_active,
            is_recommended=m.is_recommended,
            is_commercial=m.is_commercial,
            is_expired=m.is_expired,
            tags=[
                ModelTag(
                    identifier=t["identifier"],
                    name=t["name"],
                    data_type=t.get("data_type"),
                    is_categorical=bool(t.get("is_categorical", True)),
                )
                for t in m.tags or []
            ],
            images=list(m.images or []),
        )

    # Joined into the model's own row: no statement, no await.
    @strawberry.field
    def organization(self) -> OrganizationRef:
        from app.graphql.types.organization import Organization

        return Organization.from_row(self.organization_record)

    @strawberry.field
    def license(self) -> LicenseRef | None:
        from app.graphql.types.organization import License

        record = self.license_record
        return License.from_row(record) if record is not None else None

    @strawberry.field
    def family(self) -> FamilyRef | None:
        from app.graphql.types.organization import Family

        record = self.family_record
        return Family.from_row(record) if record is not None else None

    @strawberry.field(description="The catalog model this one was fine-tuned or derived from.")
    async def base_model(self, info: Info) -> Model | None:
        if self.base_model_pk is None:
            return None
        row = await context.loaders(info).model_by_id.load(self.base_model_pk)
        return Model.from_record(row) if row is not None else None

    @strawberry.field(description="Every source's id for this model, by source.")
    def external_ids(self, info: Info) -> list[ExternalId]:
        future = context.loaders(info).external_ids_by_model.load(self.pk)
        return now_or_later(
            future, lambda rows: [ExternalId(source=r.source, id=r.external_id) for r in rows]
        )

    @strawberry.field(description="Providers' prices (USD per million tokens), now or as of.")
    def providers(self, info: Info, as_of: datetime | None = None) -> list[PricingRef]:
        from app.graphql.types.provider import ProviderPricing

        future = context.loaders(info).pricing_by_model.load((self.pk, as_of))
        return now_or_later(future, lambda rows: [ProviderPricing.from_row(r) for r in rows])

    @strawberry.field(
        description="Every price the model has had (at one provider, by slug, or at all), "
        "newest first; `validTo` is null while a price is current."
    )
    async def price_history(
        self,
        info: Info,
        provider: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[PricingRef]:
        from app.graphql.types.provider import ProviderPricing

        page = page_args(pricing_repo.HISTORY_KEYS, first, after, last, before)
        loaders = context.loaders(info)
        result = await loaders.price_history_page.load((self.pk, provider, page))

        async def count() -> int:
            total: int = await loaders.price_history_count.load((self.pk, provider))
            return total

        return build_connection(result, ProviderPricing.from_row, count)

    @strawberry.field(
        description="The provider with the lowest blended price, (input * r + output) / (r + 1) "
        "with r = `inputOutputRatio` input tokens per output token; now or as of `asOf`. Ties "
        "go to the provider slug first in order; null where no provider has both prices."
    )
    async def cheapest_provider(
        self,
        info: Info,
        input_output_ratio: float = DEFAULT_INPUT_OUTPUT_RATIO,
        as_of: datetime | None = None,
    ) -> PricingRef | None:
        from app.graphql.types.provider import ProviderPricing, check_ratio

        check_ratio(input_output_ratio)
        rows = await context.loaders(info).pricing_by_model.load((self.pk, as_of))
        offers = [
            costs.Offer(r[0].input_price_per_m, r[0].output_price_per_m, r.provider_slug)
            for r in rows
        ]
        index = costs.cheapest(offers, input_output_ratio)
        return ProviderPricing.from_row(rows[index]) if index is not None else None

    @strawberry.field(description="Benchmark scores, best normalized score first.")
    async def scores(
        self,
        info: Info,
        filter: ScoreFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ScoreRef]:
        from app.graphql.types.score import BenchmarkScore

        query = filter.to_query() if filter else scores_repo.ScoreFilter()
        page = page_args(scores_repo.SORT_KEYS, first, after, last, before)
        loaders = context.loaders(info)
        result = await loaders.scores_page.load((self.pk, query, page))

        async def count() -> int:
            total: int = await loaders.scores_count.load((self.pk, query))
            return total

        return build_connection(result, BenchmarkScore.from_record, count)

    @strawberry.field(description="The best score on each benchmark, best first.")
    def top_scores(self, info: Info, limit: int = 5) -> list[ScoreRef]:
        from app.graphql.types.score import BenchmarkScore

        if not 1 <= limit <= MAX_TOP_SCORES:
            raise validation_error(("limit",), f"must be between 1 and {MAX_TOP_SCORES}")
        future = context.loaders(info).top_scores.load((self.pk, limit))
        return now_or_later(future, lambda rows: [BenchmarkScore.from_record(r) for r in rows])

    @strawberry.field(description="Versions, newest first by semver precedence.")
    async def versions(
        self,
        info: Info,
        status: list[VersionStatus] | None = None,
        include_prereleases: bool = True,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ModelVersion]:
        query = versions_repo.VersionFilter(
            statuses=tuple(s.value for s in status) if status else None,
            include_prereleases=include_prereleases,
        )
        page = page_args(versions_repo.SORT_KEYS, first, after, last, before)
        loaders = context.loaders(info)
        result = await loaders.versions_page.load((self.pk, query, page))

        async def count() -> int:
            total: int = await loaders.versions_count.load((self.pk, query))
            return total

        return build_connection(result, ModelVersion.from_row, count)

    @strawberry.field(
        description="The `latest` alias if set, else the highest non-prerelease, non-deleted "
        "version, else the highest prerelease."
    )
    def latest_version(self, info: Info) -> ModelVersion | None:
        future = context.loaders(info).latest_version.load((self.pk, False))
        return now_or_later(future, ModelVersion.from_optional_row)

    @strawberry.field(description="The same rule as `latestVersion`, over ACTIVE versions.")
    def latest_active_version(self, info: Info) -> ModelVersion | None:
        future = context.loaders(info).latest_version.load((self.pk, True))
        return now_or_later(future, ModelVersion.from_optional_row)

    @strawberry.field(description="A version by its version string or an alias.")
    async def version(self, info: Info, ref: str) -> ModelVersion | None:
        check_version_ref(ref, ("ref",))
        row = await context.loaders(info).version_by_ref.load((self.pk, ref))
        if row is None:
            raise NotFound(f"Version '{ref}' of model '{self.canonical_name}' not found")
        return ModelVersion.from_row(row)

    @strawberry.field(description="The model's aliases and the versions they point at.")
    async def aliases(self, info: Info) -> list[ModelAlias]:
        rows = await context.loaders(info).aliases_by_model.load(self.pk)
        return [
            ModelAlias(name=a.alias, version=v, updated_at=a.updated_at, version_pk=a.version_id)
            for a, v in rows
        ]

    @strawberry.field(description="Where the model's aliases pointed over time, newest first.")
    async def alias_history(
        self,
        info: Info,
        alias: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[AliasChange]:
        page = page_args(alias_history_repo.SORT_KEYS, first, after, last, before)
        loaders = context.loaders(info)
        result = await loaders.alias_history_page.load((self.pk, alias, page))

        async def count() -> int:
            total: int = await loaders.alias_history_count.load((self.pk, alias))
            return total

        return build_connection(result, AliasChange.from_row, count)

    @strawberry.field(description="The version an alias pointed at, at a given moment.")
    async def alias_at(self, info: Info, alias: str, at: datetime) -> ModelVersion | None:
        loaders = context.loaders(info)
        version_pk = await loaders.alias_at.load((self.pk, alias, at))
        if version_pk is None:
            return None
        row = await loaders.version_by_id.load(version_pk)
        return ModelVersion.from_row(row) if row is not None else None


def _big(value: int | None) -> BigInt | None:
    return BigInt(value) if value is not None else None


def check_version_ref(ref: str, loc: tuple[str | int, ...]) -> None:
    """A reference is a semver string or a well-formed alias name; anything else is a 400."""
    if not (semver.is_valid(ref) or is_valid_alias(ref)):
        raise InvalidRequest(
            f"Malformed version reference '{ref[:100]}': expected a semantic version "
            "(e.g. 1.2.0) or an alias name (e.g. latest)",
            [validation_error(loc, "not a version or alias").errors[0]],
        )
