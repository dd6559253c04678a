"""Model: a catalog entry (seed 003) with its registry side (seeds 000-002, 004)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.errors import InvalidRequest, NotFound, validation_error
from app.graphql import context
from app.graphql.arguments import After, Before, First, Last
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
    api_ref: str | None = strawberry.field(description="API reference; null when unknown.")
    paper: str | None = strawberry.field(description="Paper or model card; null when unknown.")
    weights: str | None = strawberry.field(
        description="Where the weights are published; null when unknown."
    )
    repo: str | None = strawberry.field(description="Source code repository; null when unknown.")


@strawberry.type(description="A marketplace tag of a model.")
class ModelTag:
    identifier: str = strawberry.field(description="Stable tag identifier.")
    name: str = strawberry.field(description="Display name.")
    data_type: str | None = strawberry.field(
        description="The kind of value the tag stands for; null when none."
    )
    is_categorical: bool = strawberry.field(
        description="True when the tag is a category (rather than a free label)."
    )


@strawberry.type(
    description="A named pointer to a version (`latest`, `production`, ...). Its `id` stays the "
    "same when the alias moves, so a client cache updates the alias in place."
)
class ModelAlias(Node):
    name: str = strawberry.field(description="The alias name, e.g. `latest`, `production`.")
    version: str = strawberry.field(description="The version string it points at.")
    updated_at: datetime = strawberry.field(description="When it was last set (UTC).")
    version_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, alias: Any, version: str) -> ModelAlias:
        """From a VersionAliasRow and its target's version string."""
        return cls(
            id=to_global_id("ModelAlias", alias.id),
            name=alias.alias,
            version=version,
            updated_at=alias.updated_at,
            version_pk=alias.version_id,
        )

    @strawberry.field(
        description="The version it points at; null if that version is not visible to the caller."
    )
    async def target(self, info: Info) -> ModelVersion | None:
        row = await context.loaders(info).version_by_id.load(self.version_pk)
        return ModelVersion.from_row(row) if row is not None else None


@strawberry.type(description="A source's id for a model (`llm-stats`, `litellm`, ...).")
class ExternalId:
    source: str = strawberry.field(
        description="The source, e.g. `llm-stats`, `litellm`, `openrouter`, `huggingface`."
    )
    id: str = strawberry.field(description="The model's id at that source, e.g. `azure/gpt-4o`.")


@strawberry.type(description="An AI model: catalog facts, prices, scores and versions.")
class Model(Node):
    pk: strawberry.Private[int]
    organization_record: strawberry.Private[OrganizationRecord]
    license_record: strawberry.Private[LicenseRecord | None]
    family_record: strawberry.Private[FamilyRecord | None]
    base_model_pk: strawberry.Private[int | None]
    slug: str = strawberry.field(
        description="Identifier within its organization, e.g. `llama-3.1-8b-instruct`."
    )
    name: str = strawberry.field(description="Display name.")
    canonical_name: str = strawberry.field(description="`org/slug`.")
    description: str = strawberry.field(description="Free text; empty when none was given.")
    open_weight: bool = strawberry.field(description="True when the weights can be downloaded.")
    model_type: str | None = strawberry.field(
        description="Kind of model, e.g. `chat`, `embedding`; null when unknown."
    )
    modalities: list[str] = strawberry.field(
        description="Modalities it handles, e.g. `text`, `image`, `audio`."
    )
    task: str | None = strawberry.field(
        description="Main task, e.g. `text-generation`; null when unknown."
    )
    framework: str | None = strawberry.field(
        description="Framework or format, e.g. `pytorch`, `gguf`; null when unknown."
    )
    context_window: BigInt | None = strawberry.field(description="Tokens.")
    param_count: BigInt | None = strawberry.field(
        description="Number of parameters; null when unknown."
    )
    release_date: date | None = strawberry.field(
        description="Public release date; null when unknown."
    )
    created_at: datetime = strawberry.field(
        description="When the catalog first recorded the model (UTC)."
    )
    updated_at: datetime = strawberry.field(
        description="When the catalog last changed the model (UTC)."
    )
    source: str | None = strawberry.field(
        description="Where the facts come from, in words; null when unknown."
    )
    url: str | None = strawberry.field(description="The model's home page; null when unknown.")
    sources: ModelSources = strawberry.field(
        description="Links to its documentation, paper, weights and code."
    )
    download_count: BigInt = strawberry.field(description="Downloads of all its versions.")
    is_public: bool = strawberry.field(
        description="False when only its organization's tokens can see it."
    )
    author: str | None = strawberry.field(
        description="Author shown by the marketplace; null when unknown."
    )
    permalink: str | None = strawberry.field(description="Marketplace permalink; null when none.")
    features: list[str] = strawberry.field(description="Marketplace feature labels.")
    is_active: bool = strawberry.field(description="Listed as active by the marketplace.")
    is_recommended: bool = strawberry.field(description="Recommended by the marketplace.")
    is_commercial: bool = strawberry.field(description="A commercial offering.")
    is_expired: bool = strawberry.field(description="No longer offered by the marketplace.")
    tags: list[ModelTag] = strawberry.field(description="Marketplace tags.")
    images: list[str] = strawberry.field(description="Image URLs.")

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
    @strawberry.field(description="The organization that publishes the model.")
    def organization(self) -> OrganizationRef:
        from app.graphql.types.organization import Organization

        return Organization.from_row(self.organization_record)

    @strawberry.field(description="The model's license; null when unknown.")
    def license(self) -> LicenseRef | None:
        from app.graphql.types.organization import License

        record = self.license_record
        return License.from_row(record) if record is not None else None

    @strawberry.field(description="The family it belongs to; null when none.")
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
    def providers(
        self,
        info: Info,
        as_of: Annotated[
            datetime | None,
            strawberry.argument(
                description="A moment (UTC): the prices in effect then; omitted or "
                "null: the current ones."
            ),
        ] = None,
    ) -> list[PricingRef]:
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
        provider: Annotated[
            str | None,
            strawberry.argument(
                description="A provider's slug: only its prices; omitted or null: every provider's."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
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
        input_output_ratio: Annotated[
            float,
            strawberry.argument(
                description="Input tokens per output token of the workload (> 0); default 3."
            ),
        ] = DEFAULT_INPUT_OUTPUT_RATIO,
        as_of: Annotated[
            datetime | None,
            strawberry.argument(
                description="A moment (UTC): the prices in effect then; omitted or "
                "null: the current ones."
            ),
        ] = None,
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
        filter: Annotated[
            ScoreFilter | None,
            strawberry.argument(
                description="Only scores matching every condition given; omitted or null: all."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
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
    def top_scores(
        self,
        info: Info,
        limit: Annotated[
            int, strawberry.argument(description="How many benchmarks, 1-100; default 5.")
        ] = 5,
    ) -> list[ScoreRef]:
        from app.graphql.types.score import BenchmarkScore

        if not 1 <= limit <= MAX_TOP_SCORES:
            raise validation_error(("limit",), f"must be between 1 and {MAX_TOP_SCORES}")
        future = context.loaders(info).top_scores.load((self.pk, limit))
        return now_or_later(future, lambda rows: [BenchmarkScore.from_record(r) for r in rows])

    @strawberry.field(description="Versions, newest first by semver precedence.")
    async def versions(
        self,
        info: Info,
        status: Annotated[
            list[VersionStatus] | None,
            strawberry.argument(
                description="Only versions in one of these states; omitted or null: "
                "every state but DELETED."
            ),
        ] = None,
        include_prereleases: Annotated[
            bool,
            strawberry.argument(
                description="False leaves out prereleases (`1.0.0-rc.1`); default true."
            ),
        ] = True,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
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
    async def version(
        self,
        info: Info,
        ref: Annotated[
            str,
            strawberry.argument(description="A version string (`1.2.0`) or an alias (`latest`)."),
        ],
    ) -> ModelVersion | None:
        check_version_ref(ref, ("ref",))
        row = await context.loaders(info).version_by_ref.load((self.pk, ref))
        if row is None:
            raise NotFound(f"Version '{ref}' of model '{self.canonical_name}' not found")
        return ModelVersion.from_row(row)

    @strawberry.field(description="The model's aliases and the versions they point at.")
    async def aliases(self, info: Info) -> list[ModelAlias]:
        rows = await context.loaders(info).aliases_by_model.load(self.pk)
        return [ModelAlias.from_row(a, v) for a, v in rows]

    @strawberry.field(description="Where the model's aliases pointed over time, newest first.")
    async def alias_history(
        self,
        info: Info,
        alias: Annotated[
            str | None,
            strawberry.argument(
                description="Only this alias's moves; omitted or null: every alias's."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[AliasChange]:
        page = page_args(alias_history_repo.SORT_KEYS, first, after, last, before)
        loaders = context.loaders(info)
        result = await loaders.alias_history_page.load((self.pk, alias, page))

        async def count() -> int:
            total: int = await loaders.alias_history_count.load((self.pk, alias))
            return total

        return build_connection(result, AliasChange.from_row, count)

    @strawberry.field(description="The version an alias pointed at, at a given moment.")
    async def alias_at(
        self,
        info: Info,
        alias: Annotated[
            str, strawberry.argument(description="The alias name, e.g. `production`.")
        ],
        at: Annotated[datetime, strawberry.argument(description="The moment asked about (UTC).")],
    ) -> ModelVersion | None:
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
