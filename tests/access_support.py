"""Two organizations with tokens of every role, for write and access-control tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_write_sessionmaker
from app.repositories import catalog_writes
from app.repositories import tokens as tokens_repo
from app.services import tokens


@dataclass
class Tokens:
    acme_reader: str
    acme_writer: str
    acme_admin: str
    globex_writer: str
    globex_admin: str
    revoked: str

    @staticmethod
    def header(secret: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {secret}"}


async def make_orgs_and_tokens(engine: AsyncEngine) -> Tokens:
    secrets: dict[str, str] = {}
    async with create_write_sessionmaker(engine)() as session, session.begin():
        orgs = {}
        for slug in ("acme", "globex"):
            orgs[slug] = await catalog_writes.create_organization(
                session, {"slug": slug, "name": slug.title()}
            )
        for label, org, role in (
            ("acme_reader", "acme", "reader"),
            ("acme_writer", "acme", "writer"),
            ("acme_admin", "acme", "admin"),
            ("globex_writer", "globex", "writer"),
            ("globex_admin", "globex", "admin"),
            ("revoked", "acme", "writer"),
        ):
            secret = tokens.new_secret()
            row = await tokens_repo.create(
                session, orgs[org].id, role, label, tokens.display_prefix(secret),
                tokens.hash_secret(secret),
            )  # fmt: skip
            secrets[label] = secret
            if label == "revoked":
                await tokens_repo.revoke(session, row.id)
    return Tokens(**secrets)
