"""Catalog mutations: organizations, models, benchmarks, scores, providers, prices.

Organizations are created by admins. Benchmarks and providers are shared reference data:
any writer may upsert them. Scores and prices are about a model: the model must be visible
to the caller (else `not_found`), and scores may only be recorded by the model's own
organization. The rules live in the commands (app/commands/); these resolvers convert the
input, run the command and load the result.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.commands import inputs as cmd
from app.commands import models as model_commands
from app.commands import organizations, pricing, reference, scores
from app.graphql import context
from app.graphql.mutations.access import command_input, run_command
from app.graphql.mutations.model_inputs import CreateModelInput, ModelFieldsInput
from app.graphql.mutations.score_inputs import (
    BenchmarkInput,
    PricingInput,
    ProviderInput,
    ScoreInput,
)
from app.graphql.types.model import Model
from app.graphql.types.organization import Organization
from app.graphql.types.provider import Provider, ProviderPricing
from app.graphql.types.score import Benchmark, BenchmarkScore

MAX_SCORES = scores.MAX_SCORES


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
        data = command_input(cmd.NewOrganization, input)
        org_id = await run_command(info, organizations.create_organization, data)
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
        data = command_input(cmd.NewModel, input)
        return await _model_result(info, await run_command(info, model_commands.create_model, data))

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
        data = cmd.ModelChange(org=org, name=name, fields=command_input(cmd.ModelFields, input))
        return await _model_result(info, await run_command(info, model_commands.update_model, data))

    @strawberry.mutation(description="Create or change a benchmark (shared reference data).")
    async def upsert_benchmark(
        self,
        info: Info,
        input: Annotated[
            BenchmarkInput,
            strawberry.argument(description="The benchmark, created or updated by slug."),
        ],
    ) -> Benchmark | None:
        data = command_input(cmd.BenchmarkSpec, input)
        bench_id = await run_command(info, reference.upsert_benchmark, data)
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
        data = [command_input(cmd.ScoreSpec, row) for row in input]
        ids = await run_command(info, scores.record_scores, data)
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
        data = command_input(cmd.ProviderSpec, input)
        provider_id = await run_command(info, reference.upsert_provider, data)
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
        model_id = await run_command(info, pricing.set_pricing, command_input(cmd.PriceSpec, input))
        prices = await context.loaders(info).pricing_by_model.load((model_id, None))
        return next(
            ProviderPricing.from_row(p) for p in prices if p.provider_slug == input.provider
        )
