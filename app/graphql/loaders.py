"""Loaders, built per request (a shared loader would cache across users: a leak).

They batch in waves (app/graphql/batching.py), so a query's statement count is fixed by its
shape, not by I/O timing.

Each batch opens its own short session: concurrent resolvers never share an AsyncSession.
Loader keys are tuples `(id, *spec)`; a batch runs one query per distinct spec, so the number
of statements does not grow with the number of parents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth import Viewer
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
    sessions: Sessions,
    fetch: Callable[[AsyncSession, list[K]], Awaitable[dict[K, V]]],
    default: Callable[[], Any] = lambda: None,
) -> Loader[K, Any]:
    async def batch(keys: list[K]) -> list[Any]:
        async with sessions() as session:
            found = await fetch(session, keys)
        return [found[key] if key in found else default() for key in keys]

    return Loader(waves, batch)


def _grouped(
    waves: Waves,
    sessions: Sessions,
    fetch: Callable[..., Awaitable[dict[Any, Any]]],
    default: Callable[[], Any],
) -> Loader[tuple[Any, ...], Any]:
    """Keys `(id, *spec)`: one `fetch(session, ids, *spec)` per distinct spec in the batch."""

    async def batch(keys: list[tuple[Any, ...]]) -> list[Any]:
        by_spec: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
        for key in keys:
            by_spec[key[1:]].append(key[0])
        results: dict[tuple[Any, ...], Any] = {}
        async with sessions() as session:
            for spec, ids in by_spec.items():
                unique = list(dict.fromkeys(ids))
                found = await fetch(session, unique, *spec)
                for id_ in unique:
                    results[(id_, *spec)] = found.get(id_, default())
        return [results[key] for key in keys]

    return Loader(waves, batch)


def _by_id_table(waves: Waves, sessions: Sessions, table: type[Any]) -> Loader[int, Any]:
    async def fetch(session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return {row.id: row for row in await catalog_repo.by_ids(session, table, ids)}

    return _loader(waves, sessions, fetch)


def _by_slug_table(waves: Waves, sessions: Sessions, table: type[Any]) -> Loader[str, Any]:
    async def fetch(session: AsyncSession, slugs: list[str]) -> dict[str, Any]:
        return {row.slug: row for row in await catalog_repo.by_slugs(session, table, slugs)}

    return _loader(waves, sessions, fetch)


class Loaders:
    """Every loader of one request, all seeing through the same viewer."""

    def __init__(self, sessions: Sessions, viewer: Viewer) -> None:
        self.sessions = sessions
        self.viewer = viewer
        self.waves = w = Waves()
        self.organization_by_id = _by_id_table(w, sessions, OrganizationRow)
        self.organization_by_slug = _by_slug_table(w, sessions, OrganizationRow)
        self.license_by_id = _by_id_table(w, sessions, LicenseRow)
        self.family_by_id = _by_id_table(w, sessions, FamilyRow)
        self.family_by_slug = _by_slug_table(w, sessions, FamilyRow)
        self.benchmark_by_id = _by_id_table(w, sessions, BenchmarkRow)
        self.benchmark_by_slug = _by_slug_table(w, sessions, BenchmarkRow)
        self.provider_by_id = _by_id_table(w, sessions, ProviderRow)
        self.provider_by_slug = _by_slug_table(w, sessions, ProviderRow)
        self.model_by_id = _loader(w, sessions, self._models_by_id)
        self.model_by_name = _loader(w, sessions, self._models_by_name)
        self.version_by_id = _loader(w, sessions, self._versions_by_id)
        self.version_by_ref = _loader(w, sessions, self._versions_by_ref)
        self.score_by_id = _loader(w, sessions, self._scores_by_id)
        self.latest_version = _grouped(w, sessions, self._latest, lambda: None)
        self.versions_page = _grouped(w, sessions, self._versions_pages, _empty_page)
        self.versions_count = _grouped(w, sessions, self._versions_counts, int)
        self.all_versions = _grouped(w, sessions, self._all_versions, list)
        self.files_by_version = _loader(w, sessions, versions_repo.files_by_version, list)
        self.metrics_by_version = _loader(w, sessions, versions_repo.metrics_by_version, dict)
        self.statistics_by_version = _loader(w, sessions, versions_repo.statistics_by_version, list)
        self.aliases_by_version = _loader(w, sessions, versions_repo.aliases_by_version, list)
        self.aliases_by_model = _loader(w, sessions, self._aliases_by_model, list)
        self.pricing_by_model = _grouped(w, sessions, self._pricing, list)
        self.scores_page = _grouped(w, sessions, self._scores_pages, _empty_page)
        self.scores_count = _grouped(w, sessions, self._scores_counts, int)
        self.top_scores = _grouped(w, sessions, self._top_scores, list)
        self.models_page_by_parent = _grouped(w, sessions, self._models_pages, _empty_page)
        self.models_count_by_parent = _grouped(w, sessions, self._models_counts, int)
        self.pricing_page_by_provider = _grouped(w, sessions, self._pricing_pages, _empty_page)
        self.pricing_count_by_provider = _grouped(w, sessions, self._pricing_counts, int)
        self.alias_history_page = _grouped(w, sessions, self._alias_history_pages, _empty_page)
        self.alias_history_count = _grouped(w, sessions, self._alias_history_counts, int)
        self.alias_at = _loader(w, sessions, self._alias_at)
        self.scores_by_pair = _loader(w, sessions, self._scores_by_pairs, list)
        self.price_history_page = _grouped(w, sessions, self._price_history_pages, _empty_page)
        self.price_history_count = _grouped(w, sessions, self._price_history_counts, int)
        self.external_ids_by_model = _loader(w, sessions, external_ids_repo.by_model, list)

    async def _models_by_id(self, session: AsyncSession, ids: list[int]) -> dict[int, Any]:
        return {row[0].id: row for row in await models_repo.by_ids(session, self.viewer, ids)}

    async def _models_by_name(
        self, session: AsyncSession, names: list[tuple[str, str]]
    ) -> dict[tuple[str, str], Any]:
        found = await models_repo.by_names(session, self.viewer, names)
        return {(row.organization_slug, row[0].slug): row for row in found}

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
        return {row[0].id: row for row in await scores_repo.by_ids(session, self.viewer, ids)}

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
