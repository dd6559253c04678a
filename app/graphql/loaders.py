"""Loaders, built per request (a shared loader would cache across users: a leak).

They batch in waves (app/graphql/batching.py), so a query's statement count is fixed by its
shape, not by I/O timing.

Batches run one at a time on the request's one read session (app/db/reads.py).
Loader keys are tuples `(id, *spec)`; a batch runs one query per distinct spec, so the number
of statements does not grow with the number of parents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import Viewer
from app.db.reads import ReadScope
from app.db.tables import BenchmarkRow, FamilyRow, LicenseRow, OrganizationRow, ProviderRow
from app.graphql.batching import Loader, Waves
from app.repositories import alias_history as alias_history_repo
from app.repositories import analytics as analytics_repo
from app.repositories import catalog as catalog_repo
from app.repositories import external_ids as external_ids_repo
from app.repositories import keyset
from app.repositories import models as models_repo
from app.repositories import pricing as pricing_repo
from app.repositories import scores as scores_repo
from app.repositories import versions as versions_repo
from app.services import semver

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Sessions = async_sessionmaker[AsyncSession]


def _loader(
    waves: Waves,
    fetch: Callable[[AsyncSession, list[K]], Awaitable[dict[K, V]]],
    default: Callable[[], Any] = lambda: None,
) -> Loader[K, Any]:
    async def batch(session: AsyncSession, keys: list[K]) -> list[Any]:
        found = await fetch(session, keys)
        return [found[key] if key in found else default() for key in keys]

    return Loader(waves, batch)


def _grouped(
    waves: Waves,
    fetch: Callable[..., Awaitable[dict[Any, Any]]],
    default: Callable[[], Any],
) -> Loader[tuple[Any, ...], Any]:
    """Keys `(id, *spec)`: one `fetch(session, ids, *spec)` per distinct spec in the batch."""

    async def batch(session: AsyncSession, keys: list[tuple[Any, ...]]) -> list[Any]:
        by_spec: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
        for key in keys:
            by_spec[key[1:]].append(key[0])
        results: dict[tuple[Any, ...], Any] = {}
        for spec, ids in by_spec.items():
            unique = list(dict.fromkeys(ids))
            found = await fetch(session, unique, *spec)
            for id_ in unique:
                results[(id_, *spec)] = found.get(id_, default())
        return [results[key] for key in keys]

    return Loader(waves, batch)


def _by_id_table(waves: Waves, table: type[Any]) -> Loader[int, Any]:
    async def fetch(session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return {row.id: row for row in await catalog_repo.by_ids(session, table, ids)}

    return _loader(waves, fetch)


def _by_slug_table(waves: Waves, table: type[Any]) -> Loader[str, Any]:
    async def fetch(session: AsyncSession, slugs: list[str]) -> dict[str, Any]:
        return {row.slug: row for row in await catalog_repo.by_slugs(session, table, slugs)}

    return _loader(waves, fetch)


class Loaders:
    """Every loader of one request, all seeing through the same viewer and reading through
    the request's one session. Each is built on first use: most requests need a few."""

    def __init__(self, sessions: Sessions, viewer: Viewer) -> None:
        self.sessions = sessions
        self.viewer = viewer
        self.scope = ReadScope(sessions)
        self.waves = Waves(self.scope)

    async def close(self) -> None:
        await self.scope.close()

    @cached_property
    def organization_by_id(self) -> Loader[Any, Any]:
        return _by_id_table(self.waves, OrganizationRow)

    @cached_property
    def organization_by_slug(self) -> Loader[Any, Any]:
        return _by_slug_table(self.waves, OrganizationRow)

    @cached_property
    def license_by_id(self) -> Loader[Any, Any]:
        return _by_id_table(self.waves, LicenseRow)

    @cached_property
    def family_by_id(self) -> Loader[Any, Any]:
        return _by_id_table(self.waves, FamilyRow)

    @cached_property
    def family_by_slug(self) -> Loader[Any, Any]:
        return _by_slug_table(self.waves, FamilyRow)

    @cached_property
    def benchmark_by_id(self) -> Loader[Any, Any]:
        return _by_id_table(self.waves, BenchmarkRow)

    @cached_property
    def benchmark_by_slug(self) -> Loader[Any, Any]:
        return _by_slug_table(self.waves, BenchmarkRow)

    @cached_property
    def provider_by_id(self) -> Loader[Any, Any]:
        return _by_id_table(self.waves, ProviderRow)

    @cached_property
    def provider_by_slug(self) -> Loader[Any, Any]:
        return _by_slug_table(self.waves, ProviderRow)

    @cached_property
    def model_by_id(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._models_by_id)

    @cached_property
    def model_by_name(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._models_by_name)

    @cached_property
    def version_by_id(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._versions_by_id)

    @cached_property
    def version_by_ref(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._versions_by_ref)

    @cached_property
    def score_by_id(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._scores_by_id)

    @cached_property
    def latest_version(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._latest, lambda: None)

    @cached_property
    def versions_page(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._versions_pages, _empty_page)

    @cached_property
    def versions_count(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._versions_counts, int)

    @cached_property
    def all_versions(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._all_versions, list)

    @cached_property
    def files_by_version(self) -> Loader[Any, Any]:
        return _loader(self.waves, versions_repo.files_by_version, list)

    @cached_property
    def metrics_by_version(self) -> Loader[Any, Any]:
        return _loader(self.waves, versions_repo.metrics_by_version, dict)

    @cached_property
    def statistics_by_version(self) -> Loader[Any, Any]:
        return _loader(self.waves, versions_repo.statistics_by_version, list)

    @cached_property
    def aliases_by_version(self) -> Loader[Any, Any]:
        return _loader(self.waves, versions_repo.aliases_by_version, list)

    @cached_property
    def alias_by_id(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._aliases_by_id)

    @cached_property
    def pricing_by_id(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._pricing_by_id)

    @cached_property
    def aliases_by_model(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._aliases_by_model, list)

    @cached_property
    def pricing_by_model(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._pricing, list)

    @cached_property
    def scores_page(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._scores_pages, _empty_page)

    @cached_property
    def scores_count(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._scores_counts, int)

    @cached_property
    def top_scores(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._top_scores, list)

    @cached_property
    def models_page_by_parent(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._models_pages, _empty_page)

    @cached_property
    def models_count_by_parent(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._models_counts, int)

    @cached_property
    def pricing_page_by_provider(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._pricing_pages, _empty_page)

    @cached_property
    def pricing_count_by_provider(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._pricing_counts, int)

    @cached_property
    def alias_history_page(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._alias_history_pages, _empty_page)

    @cached_property
    def alias_history_count(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._alias_history_counts, int)

    @cached_property
    def alias_at(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._alias_at)

    @cached_property
    def scores_by_pair(self) -> Loader[Any, Any]:
        return _loader(self.waves, self._scores_by_pairs, list)

    @cached_property
    def price_history_page(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._price_history_pages, _empty_page)

    @cached_property
    def price_history_count(self) -> Loader[Any, Any]:
        return _grouped(self.waves, self._price_history_counts, int)

    @cached_property
    def external_ids_by_model(self) -> Loader[Any, Any]:
        return _loader(self.waves, external_ids_repo.by_model, list)

    async def _models_by_id(self, session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return {m.id: m for m in await models_repo.by_ids(session, self.viewer, ids)}

    async def _models_by_name(
        self, session: AsyncSession, names: list[tuple[str, str]]
    ) -> dict[tuple[str, str], Any]:
        found = await models_repo.records_by_names(session, self.viewer, names)
        out = {(m.organization.slug, m.model.slug): m for m in found}
        missing = [name for name in names if name not in out]
        if missing:  # another spelling of a name finds its model (two statements, on a miss)
            out.update(await models_repo.by_other_spellings(session, self.viewer, missing))
        return out

    async def _versions_by_id(self, session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return {row[0].id: row for row in await versions_repo.by_ids(session, self.viewer, ids)}

    async def _versions_by_ref(
        self, session: AsyncSession, keys: list[tuple[int, str]]
    ) -> dict[tuple[int, str], Any]:
        """A reference is a version string when it parses as semver, else an alias name."""
        exact = [key for key in keys if semver.is_valid(key[1])]
        aliases = [key for key in keys if not semver.is_valid(key[1])]
        found: dict[tuple[int, str], Any] = {}
        if exact:
            for row in await versions_repo.by_model_and_version(session, self.viewer, exact):
                found[(row[0].model_id, row[0].version)] = row
        if aliases:
            for model_id, alias, row in await versions_repo.by_alias(session, self.viewer, aliases):
                found[(model_id, alias)] = row
        return found

    async def _scores_by_id(self, session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return {r.score.id: r for r in await scores_repo.by_ids(session, self.viewer, ids)}

    async def _latest(
        self, session: AsyncSession, ids: list[int], active_only: bool
    ) -> dict[int, Any]:
        return await versions_repo.latest_by_model(
            session, self.viewer, ids, active_only=active_only
        )

    async def _versions_pages(
        self,
        session: AsyncSession,
        ids: list[int],
        f: versions_repo.VersionFilter,
        page: keyset.Page,
    ) -> dict[int, keyset.PageResult]:
        return await versions_repo.pages_by_model(session, self.viewer, ids, f, page)

    async def _versions_counts(
        self, session: AsyncSession, ids: list[int], f: versions_repo.VersionFilter
    ) -> dict[int, int]:
        return await versions_repo.counts_by_model(session, self.viewer, ids, f)

    async def _all_versions(
        self, session: AsyncSession, ids: list[int], f: versions_repo.VersionFilter
    ) -> dict[int, list[Any]]:
        return await versions_repo.all_for_models(session, self.viewer, ids, f)

    async def _aliases_by_id(self, session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return await versions_repo.aliases_by_ids(session, self.viewer, ids)

    async def _pricing_by_id(self, session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return await pricing_repo.by_ids(session, self.viewer, ids)

    async def _aliases_by_model(self, session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return await versions_repo.aliases_by_model(session, self.viewer, ids)

    async def _pricing(
        self, session: AsyncSession, ids: list[int], as_of: datetime | None
    ) -> dict[int, list[Any]]:
        return await pricing_repo.by_model(session, self.viewer, ids, as_of)

    async def _scores_pages(
        self, session: AsyncSession, ids: list[int], f: scores_repo.ScoreFilter, page: keyset.Page
    ) -> dict[int, keyset.PageResult]:
        return await scores_repo.pages_by_model(session, self.viewer, ids, f, page)

    async def _scores_counts(
        self, session: AsyncSession, ids: list[int], f: scores_repo.ScoreFilter
    ) -> dict[int, int]:
        return await scores_repo.counts_by_model(session, self.viewer, ids, f)

    async def _top_scores(
        self, session: AsyncSession, ids: list[int], limit: int
    ) -> dict[int, list[Any]]:
        return await scores_repo.top_by_model(session, self.viewer, ids, limit)

    async def _models_pages(
        self,
        session: AsyncSession,
        ids: list[int],
        partition: models_repo.Partition,
        f: models_repo.ModelFilter,
        order: models_repo.ModelOrder,
        page: keyset.Page,
    ) -> dict[int, keyset.PageResult]:
        return await models_repo.pages_by_parent(
            session, self.viewer, partition, ids, f, order, page
        )

    async def _models_counts(
        self,
        session: AsyncSession,
        ids: list[int],
        partition: models_repo.Partition,
        f: models_repo.ModelFilter,
    ) -> dict[int, int]:
        return await models_repo.counts_by_parent(session, self.viewer, partition, ids, f)

    async def _pricing_pages(
        self,
        session: AsyncSession,
        ids: list[int],
        page: keyset.Page,
        as_of: datetime | None = None,
    ) -> dict[int, keyset.PageResult]:
        return await pricing_repo.pages_by_provider(session, self.viewer, ids, page, as_of)

    async def _pricing_counts(
        self, session: AsyncSession, ids: list[int], as_of: datetime | None = None
    ) -> dict[int, int]:
        return await pricing_repo.counts_by_provider(session, self.viewer, ids, as_of)

    async def _alias_history_pages(
        self, session: AsyncSession, ids: list[int], alias: str | None, page: keyset.Page
    ) -> dict[int, keyset.PageResult]:
        return await alias_history_repo.pages_by_model(session, self.viewer, ids, alias, page)

    async def _alias_history_counts(
        self, session: AsyncSession, ids: list[int], alias: str | None
    ) -> dict[int, int]:
        return await alias_history_repo.counts_by_model(session, self.viewer, ids, alias)

    async def _alias_at(
        self, session: AsyncSession, keys: list[tuple[int, str, datetime]]
    ) -> dict[tuple[int, str, datetime], int | None]:
        return await alias_history_repo.pointed_at(session, self.viewer, keys)

    async def _scores_by_pairs(
        self, session: AsyncSession, pairs: list[tuple[int, int]]
    ) -> dict[tuple[int, int], list[Any]]:
        return await analytics_repo.scores_by_pairs(session, self.viewer, pairs)

    async def _price_history_pages(
        self, session: AsyncSession, ids: list[int], provider: str | None, page: keyset.Page
    ) -> dict[int, keyset.PageResult]:
        return await pricing_repo.history_pages_by_model(session, self.viewer, ids, provider, page)

    async def _price_history_counts(
        self, session: AsyncSession, ids: list[int], provider: str | None
    ) -> dict[int, int]:
        return await pricing_repo.history_counts_by_model(session, self.viewer, ids, provider)


def _empty_page() -> keyset.PageResult:
    return keyset.PageResult(rows=[], cursors=[], has_next=False, has_previous=False)


__all__ = ["Loaders"]
