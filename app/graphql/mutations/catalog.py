"""Catalog mutations: organizations, models, benchmarks, scores, providers, prices.

Organizations are created by admins. Benchmarks and providers are shared reference data:
any writer may upsert them. Scores and prices are about a model: the model must be visible
to the caller (else `not_found`), and scores may only be recorded by the model's own
organization.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from app.db.tables import BenchmarkRow, OrganizationRow, ProviderRow
from app.errors import AlreadyExists, NotFound, PermissionDenied
from app.graphql import context
from app.graphql.mutations.access import in_transaction, require_role, writable_model
from app.graphql.mutations.model_inputs import (
    CreateModelInput,
    ModelFieldsInput,
    check_model_fields,
    model_values,
)
from app.graphql.mutations.score_inputs import (
    MAX_SCORES,
    BenchmarkInput,
    PricingInput,
    ProviderInput,
    ScoreInput,
    check_benchmark,
    check_pricing,
    check_provider,
    check_scores,
    score_values,
)
from app.graphql.types.model import Model
from app.graphql.types.organization import Organization
from app.graphql.types.provider import Provider, ProviderPricing
from app.graphql.types.score import Benchmark, BenchmarkScore
from app.repositories import audit, catalog_writes, registry_writes
from app.repositories import models as models_repo
from app.services.organizations import check_organization
from app.services.validation import Checker


@strawberry.input(description="A new organization.")
class OrganizationInput:
    slug: str = strawberry.field(
        description="Stable identifier (lowercase letters, digits, `.`, `_`, `-`), e.g. `acme`."
    )
    name: str = strawberry.field(description="Display name (1-200 characters).")
    description: str | None = strawberry.field(default=None, description="Free text.")
    url: str | None = strawberry.field(default=None, description="Home page (http or https).")


async def _model_result(info: Info, model_id: int) -> Model:
    return Model.from_record(await context.loaders(info).model_by_id.load(model_id))


async def _upsert_reference(info: Info, table: type[Any], values: dict[str, Any], kind: str) -> int:
    """Create or change shared reference data by slug, with its audit entry."""
    viewer = context.get(info).viewer

    async def work(session: AsyncSession) -> int:
        row, created = await catalog_writes.upsert_by_slug(session, table, values)
        audit.record(
            session,
            viewer,
            organization_id=viewer.organization_id,
            action=f"{'create' if created else 'update'}_{kind}",
            target_type=kind.title(),
            target_id=row.id,
            details={"slug": row.slug},
        )
        return int(row.id)

    return await in_transaction(info, work)


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(description="Create an organization (admin tokens only).")
    async def create_organization(
        self,
        info: Info,
        input: Annotated[
            OrganizationInput,
            strawberry.argument(description="The new organization (needs an admin token)."),
        ],
    ) -> Organization | None:
        viewer = context.get(info).viewer
        require_role(viewer, ("admin",))
        check = Checker()
        check_organization(check, ("input",), input.slug, input.name, input.description, input.url)
        check.raise_if_any("Invalid organization")

        async def work(session: AsyncSession) -> int:
            if await catalog_writes.slug_exists(session, OrganizationRow, input.slug):
                raise AlreadyExists(f"Organization '{input.slug}' already exists")
            row = await catalog_writes.create_organization(
                session,
                {
                    "slug": input.slug,
                    "name": input.name,
                    "description": input.description,
                    "url": input.url,
                },
            )
            audit.record(
                session,
                viewer,
                organization_id=row.id,
                action="create_organization",
                target_type="Organization",
                target_id=row.id,
                details={"slug": row.slug},
            )
            return row.id

        org_id = await in_transaction(info, work)
        return Organization.from_row(await context.loaders(info).organization_by_id.load(org_id))

    @strawberry.mutation(description="Create a model in the caller's organization.")
    async def create_model(
        self,
        info: Info,
        input: Annotated[
            CreateModelInput,
            strawberry.argument(
                description="The new model; `organization` must be the token's own."
            ),
        ],
    ) -> Model | None:
        viewer = context.get(info).viewer
        require_role(viewer)
        check = Checker()
        check.slug(("input", "slug"), input.slug)
        check_model_fields(check, input, ("input",), creating=True)
        check.raise_if_any("Invalid model")

        async def work(session: AsyncSession) -> int:
            orgs = await catalog_writes.organizations_by_slugs(session, [input.organization])
            org = orgs.get(input.organization)
            if org is None:
                raise NotFound(f"Organization '{input.organization}' not found")
            if org.id != viewer.organization_id:
                raise PermissionDenied(
                    f"Only members of '{input.organization}' may add models to it"
                )
            values = await model_values(session, viewer, check, input, ("input",))
            check.raise_if_any("Invalid model")
            if await catalog_writes.model_exists(session, org.id, input.slug):
                raise AlreadyExists(f"Model '{input.organization}/{input.slug}' already exists")
            row = await catalog_writes.create_model(
                session, {**values, "organization_id": org.id, "slug": input.slug}
            )
            audit.record(
                session,
                viewer,
                organization_id=org.id,
                action="create_model",
                target_type="Model",
                target_id=row.id,
                details={"slug": row.slug},
            )
            return row.id

        return await _model_result(info, await in_transaction(info, work))

    @strawberry.mutation(
        description="Change a model. `isPublic` switches the model and all its versions."
    )
    async def update_model(
        self,
        info: Info,
        org: Annotated[
            str, strawberry.argument(description="The model's organization slug (the token's own).")
        ],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        input: Annotated[
            ModelFieldsInput,
            strawberry.argument(
                description="The fields to change; omitted fields are left unchanged."
            ),
        ],
    ) -> Model | None:
        viewer = context.get(info).viewer
        check = Checker()
        check_model_fields(check, input, ("input",), creating=False)
        check.raise_if_any("Invalid model")

        async def work(session: AsyncSession) -> int:
            model = await writable_model(session, viewer, org, name)
            values = await model_values(session, viewer, check, input, ("input",))
            if values.get("base_model_id") == model.id:
                check.add(("input", "baseModel"), "a model cannot be its own base")
            check.raise_if_any("Invalid model")
            visibility_before = model.is_public
            changed = await catalog_writes.update_model(session, model, values)
            if model.is_public != visibility_before:
                await registry_writes.set_model_versions_visibility(
                    session, model.id, model.is_public
                )
            if changed:
                audit.record(
                    session,
                    viewer,
                    organization_id=model.organization_id,
                    action="update_model",
                    target_type="Model",
                    target_id=model.id,
                    details={"fields": sorted(values)},
                )
            return model.id

        return await _model_result(info, await in_transaction(info, work))

    @strawberry.mutation(description="Create or change a benchmark (shared reference data).")
    async def upsert_benchmark(
        self,
        info: Info,
        input: Annotated[
            BenchmarkInput,
            strawberry.argument(description="The benchmark, created or updated by slug."),
        ],
    ) -> Benchmark | None:
        viewer = context.get(info).viewer
        require_role(viewer)
        check_benchmark(input)

        bench_id = await _upsert_reference(info, BenchmarkRow, input.values(), "benchmark")
        return Benchmark.from_row(await context.loaders(info).benchmark_by_id.load(bench_id))

    @strawberry.mutation(
        description=f"Record up to {MAX_SCORES} scores, all or nothing. A score is keyed by "
        "model, benchmark, version and source URL: recording it again updates it."
    )
    async def record_scores(
        self,
        info: Info,
        input: Annotated[list[ScoreInput], strawberry.argument(description="1-1000 scores.")],
    ) -> list[BenchmarkScore] | None:
        viewer = context.get(info).viewer
        require_role(viewer)
        check = Checker()
        check_scores(check, input)
        check.raise_if_any("Invalid scores")

        async def work(session: AsyncSession) -> list[int]:
            rows = await score_values(session, viewer, check, input)
            check.raise_if_any("Invalid scores")
            saved = await catalog_writes.upsert_scores(session, rows)
            for org_id in {r["organization_id"] for r in rows}:
                audit.record(
                    session,
                    viewer,
                    organization_id=org_id,
                    action="record_scores",
                    target_type="BenchmarkScore",
                    target_id=None,
                    details={"count": sum(r["organization_id"] == org_id for r in rows)},
                )
            return [s.id for s in saved]

        ids = await in_transaction(info, work)
        found = await context.loaders(info).score_by_id.load_many(ids)
        return [BenchmarkScore.from_record(row) for row in found if row is not None]

    @strawberry.mutation(
        description="Create or change an inference provider (shared reference data)."
    )
    async def upsert_provider(
        self,
        info: Info,
        input: Annotated[
            ProviderInput,
            strawberry.argument(description="The provider, created or updated by slug."),
        ],
    ) -> Provider | None:
        viewer = context.get(info).viewer
        require_role(viewer)
        check_provider(input)

        values = {"slug": input.slug, "name": input.name, "url": input.url}
        provider_id = await _upsert_reference(info, ProviderRow, values, "provider")
        return Provider.from_row(await context.loaders(info).provider_by_id.load(provider_id))

    @strawberry.mutation(
        description="Set a provider's price for a model. A changed price closes the current "
        "one and opens a new one, so history is kept."
    )
    async def set_pricing(
        self,
        info: Info,
        input: Annotated[
            PricingInput,
            strawberry.argument(description="The provider, the model and the new price."),
        ],
    ) -> ProviderPricing | None:
        viewer = context.get(info).viewer
        require_role(viewer)
        check_pricing(input)

        async def work(session: AsyncSession) -> int:
            found = await models_repo.by_names(session, viewer, [(input.org, input.name)])
            if not found:
                raise NotFound(f"Model '{input.org}/{input.name}' not found")
            model = found[0][0]
            providers = await catalog_writes.providers_by_slugs(session, [input.provider])
            provider = providers.get(input.provider)
            if provider is None:
                raise NotFound(f"Provider '{input.provider}' not found")
            values: dict[str, Any] = {
                "status": input.status,
                "input_price_per_m": input.input_price_per_m,
                "output_price_per_m": input.output_price_per_m,
                "source_url": input.source_url,
            }
            _, changed = await catalog_writes.set_price(session, provider.id, model.id, values)
            if changed:
                audit.record(
                    session,
                    viewer,
                    organization_id=viewer.organization_id,
                    action="set_pricing",
                    target_type="Model",
                    target_id=model.id,
                    details={"provider": input.provider, **values},
                )
            return int(model.id)

        model_id = await in_transaction(info, work)
        prices = await context.loaders(info).pricing_by_model.load((model_id, None))
        return next(
            ProviderPricing.from_row(p) for p in prices if p.provider_slug == input.provider
        )
