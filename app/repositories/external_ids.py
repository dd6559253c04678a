"""Sources' ids of models (Model.externalIds) and resolving any of them to a model."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.db.tables import ModelExternalIdRow, ModelRow, OrganizationRow
from app.repositories import models as models_repo
from app.repositories.statements import execute_for_ids, in_ids
from app.repositories.visibility import model_visible
from app.services import identity


async def by_model(
    session: AsyncSession, model_ids: Sequence[int]
) -> dict[int, list[ModelExternalIdRow]]:
    def build(dialect: str) -> Any:
        return (
            select(ModelExternalIdRow)
            .where(in_ids(ModelExternalIdRow.model_id, dialect))
            .order_by(ModelExternalIdRow.model_id, ModelExternalIdRow.source, ModelExternalIdRow.id)
        )

    found = await execute_for_ids(session, "external_ids", build, model_ids)
    grouped: dict[int, list[ModelExternalIdRow]] = defaultdict(list)
    for row in found.scalars():
        grouped[row.model_id].append(row)
    return grouped


async def _visible(session: AsyncSession, viewer: Viewer, candidates: Any) -> dict[int, str]:
    """The visible candidates with their organization's canonical slug."""
    stmt = (
        select(ModelRow.id, OrganizationRow.slug)
        .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
        .where(ModelRow.id.in_(candidates), model_visible(viewer))
    )
    rows = (await session.execute(stmt)).all()
    return {model_id: identity.canonical_organization(slug) for model_id, slug in rows}


async def resolve(
    session: AsyncSession, viewer: Viewer, ref: str, aliases: Mapping[str, frozenset[str]]
) -> tuple[Any | None, list[int]]:
    """(model row, []) for the one visible model `ref` names; (None, candidates) when several
    do (ambiguous); (None, []) when none. Tiers as in app/services/identity.py, tier 1 also
    accepting the canonical name `org/slug`; each tier is one statement."""
    text = ref.strip()
    normalized = identity.normalize_id(text)
    org, _, slug = text.partition("/")
    ext = ModelExternalIdRow
    # (statement, name-based?): a name tier that finds models of several organizations keeps
    # those of the maker the name reveals, as the importers do (identity.owner_filter).
    tiers: list[tuple[Any, bool]] = [
        (
            union(
                select(ext.model_id).where(ext.external_id == text),
                select(ModelRow.id)
                .join(OrganizationRow, OrganizationRow.id == ModelRow.organization_id)
                .where(OrganizationRow.slug == org, ModelRow.slug == slug),
            ),
            False,
        ),
        (
            union(
                select(ext.model_id).where(ext.normalized == normalized),
                select(ModelRow.id).where(func.lower(ModelRow.slug) == normalized),
            ),
            True,
        ),
    ]
    repo = identity.normalize_hf_repo(text)
    if repo:
        urls = [f"https://huggingface.co/{repo}", f"https://huggingface.co/{repo}/"]
        tiers.append(
            (select(ModelRow.id).where(func.lower(ModelRow.source_weights).in_(urls)), False)
        )
    others = sorted(aliases.get(normalized, frozenset()))
    if others:
        tiers.append(
            (
                union(
                    select(ext.model_id).where(ext.normalized.in_(others)),
                    select(ModelRow.id).where(func.lower(ModelRow.slug).in_(others)),
                ),
                True,
            )
        )
    for tier, by_name in tiers:
        visible = await _visible(session, viewer, tier)
        chosen = identity.owner_filter(visible, normalized, None) if by_name else set(visible)
        found = sorted(chosen)
        if len(found) > 1:
            return None, found
        if found:
            rows = await models_repo.by_ids(session, viewer, found)
            return (rows[0] if rows else None), []
    if org and slug:  # a canonical name in another spelling (`meta/llama-3-1-70b-instruct`)
        found_by_spelling = await models_repo.by_other_spellings(session, viewer, [(org, slug)])
        if found_by_spelling:
            return next(iter(found_by_spelling.values())), []
    return None, []
