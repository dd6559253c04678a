"""Test databases on both backends: migrated once, seeded once, copied per test.

Each test run gets databases of its own on the shared PostgreSQL server (named with the
process id and a random suffix) and drops them when it ends.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

POSTGRES_ADMIN_URL = os.environ.get(
    "CATALOG_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)

# CREATE DATABASE already waits 5 s for other sessions to leave; a few more tries cover a
# connection that a late reader checked out again after `release`.
_COPY_ATTEMPTS = 5


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _asyncpg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url)
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_available() -> str | None:
    """None when the server answers, else why not."""
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at {POSTGRES_ADMIN_URL} is not reachable ({exc.__class__.__name__})"
    await connection.close()
    return None


@dataclass
class DatabaseFactory:
    """Makes databases for one backend and removes them all at the end of the run."""

    backend: str
    workdir: Path
    created: list[str]

    def _name(self, label: str) -> str:
        return f"catalog_test_{os.getpid()}_{label}_{secrets.token_hex(3)}"

    def url_for(self, name: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{self.workdir / name}.db"
        return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    async def create_empty(self, label: str) -> str:
        name = self._name(label)
        if self.backend == "postgresql":
            await self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.url_for(name)

    async def copy(
        self,
        template_url: str,
        label: str,
        release: Callable[[], Awaitable[None]] | None = None,
    ) -> str:
        """A copy of the template; `release` closes this run's connections to it and is
        called before the copy and again before each retry while PostgreSQL still sees
        someone connected (it refuses to copy a template in use)."""
        name = self._name(label)
        template = make_url(template_url).database or ""
        if self.backend == "sqlite":
            shutil.copyfile(template, self.workdir / f"{name}.db")
        else:
            for attempt in range(_COPY_ATTEMPTS):
                if release is not None:
                    await release()
                try:
                    await self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                    break
                except asyncpg.ObjectInUseError:
                    if attempt == _COPY_ATTEMPTS - 1:
                        raise
                    await asyncio.sleep(0.2)
        self.created.append(name)
        return self.url_for(name)

    async def drop_all(self) -> None:
        if self.backend == "postgresql":
            for name in self.created:
                await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()

    async def _admin(self, sql: str) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(POSTGRES_ADMIN_URL))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()
