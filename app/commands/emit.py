"""The events of the commands, composed here so that each command only says what changed.

Visibility: an event is public only when everything it names is public (the model, and the
versions it names); otherwise only the model's organization sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import BenchmarkRow, ModelRow, ModelVersionRow, OrganizationRow
from app.events import derive, kinds, outbox
from app.events.kinds import Event
from app.repositories import leaders as leaders_repo
from app.services.validation import camel as camel


def for_model(kind: str, org: str, model: ModelRow, is_public: bool, **data: Any) -> Event:
    return kinds.model_event(
        kind,
        organization_id=model.organization_id,
        organization=org,
        model_slug=model.slug,
        model_id=model.id,
        is_public=is_public,
        **data,
    )


def version_public(model: ModelRow, *versions: ModelVersionRow | None) -> bool:
    return bool(model.is_public) and all(v.is_public for v in versions if v is not None)


def model_changed(
    org: str, model: ModelRow, changed: Sequence[str], was_public: bool
) -> list[Event]:
    events = [
        for_model(kinds.MODEL_UPDATED, org, model, model.is_public,
                  fields=sorted(camel(name) for name in changed))
    ]  # fmt: skip
    if model.is_public != was_public:
        events.append(
            for_model(kinds.MODEL_VISIBILITY_CHANGED, org, model, model.is_public,
                      isPublic=model.is_public)
        )  # fmt: skip
    return events


async def _version(session: AsyncSession, version_id: int | None) -> ModelVersionRow | None:
    if version_id is None:
        return None
    return await session.get(ModelVersionRow, version_id)


async def alias_pointed(
    session: AsyncSession,
    org: str,
    model: ModelRow,
    alias: str,
    previous_id: int | None,
    target: ModelVersionRow,
) -> Event | None:
    """alias.set (a new alias) or alias.moved (from, to); None when it did not move."""
    if previous_id == target.id:
        return None
    previous = await _version(session, previous_id)
    if previous is None:
        return for_model(kinds.ALIAS_SET, org, model, version_public(model, target),
                         alias=alias, to=target.version)  # fmt: skip
    return for_model(
        kinds.ALIAS_MOVED, org, model, version_public(model, previous, target),
        alias=alias, **{"from": previous.version, "to": target.version},
    )  # fmt: skip


def alias_removed(org: str, model: ModelRow, alias: str, version: ModelVersionRow) -> Event:
    return for_model(kinds.ALIAS_REMOVED, org, model, version_public(model, version),
                     alias=alias, **{"from": version.version})  # fmt: skip


def price_moved(
    org: str, model: ModelRow, provider: str, old: Any | None, new: dict[str, Any]
) -> Event:
    after = derive.price_view(new)
    if old is None:
        return for_model(kinds.PRICE_ADDED, org, model, model.is_public,
                         provider=provider, new=after)  # fmt: skip
    before = derive.price_view(old)
    return for_model(kinds.PRICE_CHANGED, org, model, model.is_public,
                     **derive.price_changed_data(provider, before, after))  # fmt: skip


async def top_score_changes(
    session: AsyncSession, before: dict[int, leaders_repo.Leaders], benchmark_ids: Sequence[int]
) -> list[Event]:
    """benchmark.new_top_score for each model that reached rank 1 of a public leaderboard."""
    if not benchmark_ids:
        return []
    after = await leaders_repo.at_rank_one(session, benchmark_ids)
    slugs = dict(
        (await session.execute(
            select(BenchmarkRow.id, BenchmarkRow.slug).where(BenchmarkRow.id.in_(benchmark_ids))
        )).all()
    )  # fmt: skip
    events = []
    for bench_id in benchmark_ids:
        now, then = after.get(bench_id), before.get(bench_id)
        for model_id in sorted(derive.new_leaders(then.models if then else None,
                                                  now.models if now else None)):  # fmt: skip
            assert now is not None
            name = now.names[model_id]
            score, normalized = now.scores[model_id]
            events.append(
                Event(
                    kinds.NEW_TOP_SCORE,
                    await _organization_id(session, model_id),
                    True,
                    model_id,
                    {
                        "organization": name.split("/", 1)[0],
                        "model": name,
                        "benchmark": slugs.get(bench_id),
                        "score": score,
                        "normalizedScore": normalized,
                        "previous": sorted(then.names[m] for m in then.models) if then else [],
                    },
                )
            )
    return events


async def _organization_id(session: AsyncSession, model_id: int) -> int | None:
    return await session.scalar(select(ModelRow.organization_id).where(ModelRow.id == model_id))


async def organization_slugs(session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    stmt = select(OrganizationRow.id, OrganizationRow.slug).where(OrganizationRow.id.in_(ids))
    return dict((await session.execute(stmt)).all())


emit = outbox.emit
