"""Root fields that compare and rank: `compareVersions` and `leaderboard`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from app.errors import NotFound, validation_error
from app.graphql import context, prefetch
from app.graphql.arguments import After, Before, First, Last
from app.graphql.inputs import LeaderboardFilter
from app.graphql.lookahead import nodes_at
from app.graphql.pagination import Connection, build_connection, page_args
from app.graphql.types.comparison import MetricComparison, VersionComparison
from app.graphql.types.model import Model, check_version_ref
from app.graphql.types.score import BenchmarkScore, LeaderboardEntry
from app.graphql.types.version import ModelVersion
from app.repositories import scores as scores_repo
from app.repositories import versions as versions_repo
from app.repositories.records import ScoreRecord
from app.services.comparison import align_metrics, metric_keys

MAX_COMPARED = 100


@strawberry.type
class AnalysisQuery:
    @strawberry.field(
        description="Versions of one model side by side. `versions` takes version strings or "
        "aliases, in the order wanted; omitted, every visible version (newest first)."
    )
    async def compare_versions(
        self,
        info: Info,
        org: Annotated[str, strawberry.argument(description="The organization's slug.")],
        name: Annotated[str, strawberry.argument(description="The model's slug.")],
        versions: Annotated[
            list[str] | None,
            strawberry.argument(description="Version strings or aliases, in the order wanted."),
        ] = None,
    ) -> VersionComparison | None:
        loaders = context.loaders(info)
        model_row = await loaders.model_by_name.load((org, name))
        if model_row is None:
            raise NotFound(f"Model '{org}/{name}' not found")
        model = Model.from_record(model_row)
        if versions is None:
            rows = await loaders.all_versions.load((model.pk, versions_repo.VersionFilter()))
        else:
            if len(versions) > MAX_COMPARED:
                raise validation_error(("versions",), f"at most {MAX_COMPARED} versions")
            for index, ref in enumerate(versions):
                check_version_ref(ref, ("versions", index))
            found = await loaders.version_by_ref.load_many([(model.pk, ref) for ref in versions])
            missing = [ref for ref, row in zip(versions, found, strict=True) if row is None]
            if missing:
                names = ", ".join(f"'{ref}'" for ref in missing)
                raise NotFound(f"Version {names} of model '{model.canonical_name}' not found")
            rows = found
        compared = [ModelVersion.from_row(row) for row in rows]
        metrics = await loaders.metrics_by_version.load_many([v.pk for v in compared])
        return VersionComparison(
            name=model.canonical_name,
            metric_keys=metric_keys(metrics),
            versions=compared,
            metrics=[MetricComparison(key=r.key, values=r.values) for r in align_metrics(metrics)],
        )

    @strawberry.field(
        description="Models ranked by their best score on one benchmark (normalized where the "
        "scale is bounded); ties share a rank."
    )
    async def leaderboard(
        self,
        info: Info,
        benchmark: Annotated[
            str, strawberry.argument(description="The benchmark's slug, e.g. `mmlu`.")
        ],
        filter: Annotated[
            LeaderboardFilter | None,
            strawberry.argument(
                description="Only models matching every condition given; omitted or null: all."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LeaderboardEntry] | None:
        ctx = context.get(info)
        bench = await ctx.loaders.benchmark_by_slug.load(benchmark)
        if bench is None:
            raise NotFound(f"Benchmark '{benchmark}' not found")
        board = filter.board(bench) if filter else scores_repo.Board(bench)
        page = page_args(scores_repo.LEADERBOARD_CURSOR, first, after, last, before)
        async with ctx.read() as session:
            result = await scores_repo.leaderboard(session, ctx.viewer, board, page)
        entries = prefetch.connection_nodes(info)
        if nodes_at(info, ("model",), entries):
            # Every entry's model in one batch, so that `model` resolves synchronously.
            await ctx.loaders.model_by_id.load_many([r.score.model_id for r, _ in result.rows])

        def convert(ranked: tuple[ScoreRecord, int]) -> LeaderboardEntry:
            record, rank = ranked
            score = BenchmarkScore.from_record(record)
            return LeaderboardEntry(rank=rank, normalized_score=score.normalized_score, score=score)

        async def count() -> int:
            async with ctx.read() as session:
                return await scores_repo.leaderboard_count(session, ctx.viewer, board)

        return build_connection(result, convert, count)
