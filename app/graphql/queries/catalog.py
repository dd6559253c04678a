"""Root fields for browsing: organizations, models, benchmarks, providers, licenses, families."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from app.db.tables import BenchmarkRow, FamilyRow, LicenseRow, OrganizationRow, ProviderRow
from app.errors import NotFound
from app.graphql import context, prefetch
from app.graphql.arguments import After, Before, First, Last
from app.graphql.inputs import ModelFilter, ModelOrder
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.resolvers.models import models_connection
from app.graphql.types.model import Model
from app.graphql.types.organization import Family, License, Organization
from app.graphql.types.provider import Provider
from app.graphql.types.score import Benchmark
from app.repositories import catalog as catalog_repo


async def _reference_connection(
    info: Info[Any, Any],
    table: type[Any],
    convert: Any,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    **filters: Any,
) -> Any:
    page = page_args(catalog_repo.name_sort_keys(table), first, after, last, before)
    ctx = context.get(info)
    async with ctx.read() as session:
        result = await catalog_repo.page(session, table, page, **filters)

    async def count() -> int:
        async with ctx.read() as session:
            return await catalog_repo.count(session, table, **filters)

    # Page rows are (entity, cursor columns...): the types take the entity.
    return build_connection(result, lambda row: convert(row[0]), count)


async def _by_slug(info: Info[Any, Any], loader: Any, convert: Any, kind: str, slug: str) -> Any:
    row = await loader.load(slug)
    if row is None:
        raise NotFound(f"{kind} '{slug}' not found")
    return convert(row)


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="An organization by slug.")
    async def organization(
        self,
        info: Info,
        slug: Annotated[
            str, strawberry.argument(description="The organization's slug, e.g. `meta`.")
        ],
    ) -> Organization | None:
        loader = context.loaders(info).organization_by_slug
        return await _by_slug(info, loader, Organization.from_row, "Organization", slug)  # type: ignore[no-any-return]

    @strawberry.field(description="Organizations by name.")
    async def organizations(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Case-insensitive text in the name or slug; omitted or null: all."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Organization]:
        return await _reference_connection(  # type: ignore[no-any-return]
            info, OrganizationRow, Organization.from_row, first, after, last, before, search=search
        )

    @strawberry.field(description="One model; `name` is its slug inside the organization.")
    async def model(
        self,
        info: Info,
        org: Annotated[
            str, strawberry.argument(description="The organization's slug, e.g. `meta`.")
        ],
        name: Annotated[
            str,
            strawberry.argument(
                description="The model's slug within it, e.g. `llama-3.1-8b-instruct`."
            ),
        ],
    ) -> Model | None:
        row = await context.loaders(info).model_by_name.load((org, name))
        if row is None:
            raise NotFound(f"Model '{org}/{name}' not found")
        await prefetch.models(info, info._raw_info.field_nodes, [row.id])
        return Model.from_record(row)

    @strawberry.field(description="Browse and search the catalog.")
    async def models(
        self,
        info: Info,
        filter: Annotated[
            ModelFilter | None,
            strawberry.argument(
                description="Only models matching every condition given; omitted or "
                "null: every model the caller can see."
            ),
        ] = None,
        order_by: Annotated[
            ModelOrder | None,
            strawberry.argument(
                description="Order of the models; omitted or null: by name, ascending."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Model]:
        return await models_connection(info, filter, order_by, first, after, last, before)

    @strawberry.field(description="A benchmark by slug.")
    async def benchmark(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The benchmark's slug, e.g. `mmlu`.")],
    ) -> Benchmark | None:
        loader = context.loaders(info).benchmark_by_slug
        return await _by_slug(info, loader, Benchmark.from_row, "Benchmark", slug)  # type: ignore[no-any-return]

    @strawberry.field(description="Benchmarks by name, optionally of one category.")
    async def benchmarks(
        self,
        info: Info,
        category: Annotated[
            str | None,
            strawberry.argument(description="Only benchmarks of this category, e.g. `coding`."),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="Case-insensitive text in the name or slug."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Benchmark]:
        return await _reference_connection(  # type: ignore[no-any-return]
            info,
            BenchmarkRow,
            Benchmark.from_row,
            first,
            after,
            last,
            before,
            category=category,
            search=search,
        )

    @strawberry.field(description="An inference provider by slug.")
    async def provider(
        self,
        info: Info,
        slug: Annotated[
            str, strawberry.argument(description="The provider's slug, e.g. `openai`.")
        ],
    ) -> Provider | None:
        loader = context.loaders(info).provider_by_slug
        return await _by_slug(info, loader, Provider.from_row, "Provider", slug)  # type: ignore[no-any-return]

    @strawberry.field(description="Inference providers by name.")
    async def providers(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(description="Case-insensitive text in the name or slug."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Provider]:
        return await _reference_connection(  # type: ignore[no-any-return]
            info, ProviderRow, Provider.from_row, first, after, last, before, search=search
        )

    @strawberry.field(description="Licenses by name.")
    async def licenses(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[License]:
        return await _reference_connection(  # type: ignore[no-any-return]
            info, LicenseRow, License.from_row, first, after, last, before
        )

    @strawberry.field(description="A model family by slug.")
    async def family(
        self,
        info: Info,
        slug: Annotated[str, strawberry.argument(description="The family's slug, e.g. `llama-3`.")],
    ) -> Family | None:
        loader = context.loaders(info).family_by_slug
        return await _by_slug(info, loader, Family.from_row, "Family", slug)  # type: ignore[no-any-return]

    @strawberry.field(description="Model families by name.")
    async def families(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Family]:
        return await _reference_connection(  # type: ignore[no-any-return]
            info, FamilyRow, Family.from_row, first, after, last, before
        )
