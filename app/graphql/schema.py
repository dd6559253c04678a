"""The one composition point of the GraphQL schema."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types.execution import ExecutionContext

from app.graphql import fast_fields
from app.graphql.input_guard import RejectNulCharacters
from app.graphql.limits import QueryLimits
from app.graphql.mutations.catalog import CatalogMutation
from app.graphql.mutations.registry import RegistryMutation
from app.graphql.mutations.webhooks import WebhookMutation
from app.graphql.queries.analysis import AnalysisQuery
from app.graphql.queries.analytics import AnalyticsQuery
from app.graphql.queries.audit import AuditQuery
from app.graphql.queries.catalog import CatalogQuery
from app.graphql.queries.identity import IdentityQuery
from app.graphql.queries.nodes import NodeQuery
from app.graphql.queries.viewer import ViewerQuery
from app.graphql.queries.webhooks import WebhookQuery
from app.graphql.scalars import SCALAR_MAP
from app.graphql.subscriptions import Subscription
from app.graphql.types.model import Model
from app.graphql.types.organization import Family, License, Organization
from app.graphql.types.provider import Provider
from app.graphql.types.score import Benchmark, BenchmarkScore
from app.graphql.types.version import ModelVersion
from app.graphql.view import log_errors
from app.observability.operations import RecordOperation

Query = merge_types(
    "Query",
    (
        NodeQuery,
        ViewerQuery,
        CatalogQuery,
        AnalysisQuery,
        AuditQuery,
        AnalyticsQuery,
        IdentityQuery,
        WebhookQuery,
    ),
)
Mutation = merge_types("Mutation", (CatalogMutation, RegistryMutation, WebhookMutation))
# merge_types takes no description: the roots' own, for GraphiQL's docs.
Query.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "Reads: the catalog (models, versions, benchmarks, providers, prices), analyses, the "
    "caller and the audit log. Anonymous callers see public data; a token also its "
    "organization's private models and versions."
)
Mutation.__strawberry_definition__.description = (  # type: ignore[attr-defined]
    "Writes: each mutation is one transaction, needs a token (writer or admin) and returns "
    "the changed object, or null with an error."
)

# Node implementations reachable only through `node` must still be in the schema.
NODE_TYPES = [
    Model,
    ModelVersion,
    Organization,
    License,
    Family,
    Benchmark,
    BenchmarkScore,
    Provider,
]


class CatalogSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Client errors are answers, not incidents: only unexpected ones are logged.
        log_errors(errors, execution_context)


def build_schema() -> strawberry.Schema:
    built = CatalogSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=[QueryLimits, RejectNulCharacters, RecordOperation],
        config=StrawberryConfig(scalar_map=dict(SCALAR_MAP)),
    )
    fast_fields.streamline(built)
    return built


schema = build_schema()


def sdl() -> str:
    return schema.as_str() + "\n"
