"""Where a database's schema stands against the migrations this code ships (alembic head).

Used by `/readyz` (503 unless the schema is at head) and by the command line (`catalog serve`
refuses to start behind head; `seed`, `token`, `org`, `import` refuse before writing).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db.migrate import alembic_config

UPGRADE_HINT = "run `catalog db upgrade`"


@cache
def _scripts() -> ScriptDirectory:
    # The URL is not used to read the scripts; any placeholder will do.
    return ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "the migrations have no head"
    return head


def known_revisions() -> list[str]:
    """Every revision id, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def is_revision(target: str) -> bool:
    """Whether `catalog db upgrade TARGET` names a revision alembic can find (head, 0002, …)."""
    from alembic.util import CommandError

    try:
        _scripts().get_revisions(target)
    except CommandError:
        return False
    return True


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # None: never migrated (no alembic_version row)
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == self.head

    @property
    def problem(self) -> str | None:
        """What is wrong, with what to do about it; None when the schema is at head."""
        if self.at_head:
            return None
        if self.current is None:
            return f"the database has no schema (head is {self.head}): {UPGRADE_HINT}"
        if self.current in known_revisions():
            return f"schema is at {self.current}, head is {self.head}: {UPGRADE_HINT}"
        return (
            f"schema is at {self.current}, which this version of catalog does not know "
            f"(head is {self.head}): run a catalog that has it, or use another database"
        )


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def schema_state_of(connection: AsyncConnection) -> SchemaState:
    return SchemaState(await connection.run_sync(_current), head_revision())


async def schema_state(engine: AsyncEngine) -> SchemaState:
    """Connects (so connection failures propagate as the driver raises them)."""
    async with engine.connect() as connection:
        return await schema_state_of(connection)
