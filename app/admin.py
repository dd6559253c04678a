"""Administration behind the CLI: organizations and tokens (each call one transaction)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import create_engine, create_write_sessionmaker
from app.repositories import catalog_writes
from app.repositories import tokens as tokens_repo
from app.services import tokens
from app.services.organizations import check_organization
from app.services.validation import Checker
from app.settings import Settings


class AdminError(Exception):
    pass


def organization_problems(slug: str, name: str) -> list[str]:
    """What `createOrganization` would refuse in these fields, one phrase per field."""
    check = Checker()
    check_organization(check, (), slug, name)
    shown = {"slug": slug, "name": name}
    return [
        f"{error.loc[-1]} {shown.get(str(error.loc[-1]), '')[:60]!r} {error.msg}"
        for error in check.errors
    ]


@asynccontextmanager
async def _transaction(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_engine(settings.database_url)
    try:
        async with create_write_sessionmaker(engine)() as session, session.begin():
            yield session
    finally:
        await engine.dispose()


async def create_organization(settings: Settings, slug: str, name: str) -> str:
    problems = organization_problems(slug, name)
    if problems:
        raise AdminError(f"invalid organization: {'; '.join(problems)}")
    async with _transaction(settings) as session:
        if await tokens_repo.organization_by_slug(session, slug) is not None:
            raise AdminError(f"organization '{slug}' already exists")
        await catalog_writes.create_organization(session, {"slug": slug, "name": name})
    return slug


async def create_token(
    settings: Settings, org_slug: str, role: str, name: str | None
) -> tuple[int, str]:
    secret = tokens.new_secret()
    async with _transaction(settings) as session:
        org = await tokens_repo.organization_by_slug(session, org_slug)
        if org is None:
            raise AdminError(f"no organization '{org_slug}'")
        row = await tokens_repo.create(
            session, org.id, role, name, tokens.display_prefix(secret), tokens.hash_secret(secret)
        )
    return row.id, secret


async def revoke_token(settings: Settings, token_id: int) -> bool:
    async with _transaction(settings) as session:
        return await tokens_repo.revoke(session, token_id)


async def list_tokens(settings: Settings, org_slug: str | None) -> list[str]:
    async with _transaction(settings) as session:
        rows = await tokens_repo.listing(session, org_slug)
    lines = []
    for token, org in rows:
        state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "live"
        lines.append(
            f"{token.id}\t{org}\t{token.role}\t{token.prefix}…\t{token.name or ''}\t{state}"
        )
    return lines
