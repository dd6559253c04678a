"""The catalog revision: one number bumped in the same transaction as every catalog write.

`catalog_revision` holds one row (`id = 1`, `value`). Triggers on every catalog table bump it,
so every write path (GraphQL mutations, `catalog import`, `catalog seed`, the CLI's
organizations and tokens, raw SQL) changes it in the transaction that changes the data, and it
is visible exactly when that transaction commits. The response cache (app/cache/) checks it on
every hit.

- SQLite: row-level AFTER INSERT/UPDATE/DELETE triggers `UPDATE catalog_revision SET value =
  value + 1` (SQLite has one writer at a time, so values follow commit order).
- PostgreSQL: a statement-level AFTER INSERT/UPDATE/DELETE/TRUNCATE trigger marks the
  transaction (a transaction-local setting) and queues one row in `catalog_revision_pending`;
  a DEFERRED constraint trigger on that table bumps the revision at COMMIT and sends
  `NOTIFY catalog_revision, '<value>'`, which PostgreSQL delivers to listeners only if and when
  the transaction commits. Taking the revision row's lock only at commit means writers never
  hold it while they wait for other row locks (no deadlock, no long hot-row wait), and values
  follow commit order.

A migration that adds a catalog table calls `create_triggers(dialect, [table])` for it.
"""

from __future__ import annotations

from collections.abc import Iterable

REVISION_TABLE = "catalog_revision"
PENDING_TABLE = "catalog_revision_pending"
CHANNEL = "catalog_revision"

# Tables whose rows never change a cached answer on their own: the audit log is never cached;
# `best_scores` is written only by triggers on tables that are tracked (their write bumps);
# `idempotency_keys` holds kept mutation responses, never read by a cached query; the live
# catalog's outbox and webhook tables are read only by uncached fields (app/cache/policy.py).
UNTRACKED = frozenset(
    {
        "audit_log",
        "alembic_version",
        "best_scores",
        "idempotency_keys",
        "outbox_events",
        "webhooks",
        "webhook_deliveries",
        "webhook_attempts",
        REVISION_TABLE,
        PENDING_TABLE,
    }
)

POSTGRES_FUNCTIONS = [
    f"""
CREATE OR REPLACE FUNCTION catalog_revision_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('catalog.revision_marked', true) IS DISTINCT FROM 'on' THEN
    PERFORM set_config('catalog.revision_marked', 'on', true);
    INSERT INTO {PENDING_TABLE} (marked_at) VALUES (clock_timestamp());
  END IF;
  RETURN NULL;
END $$
""",
    f"""
CREATE OR REPLACE FUNCTION catalog_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bumped bigint;
BEGIN
  UPDATE {REVISION_TABLE} SET value = value + 1 WHERE id = 1 RETURNING value INTO bumped;
  DELETE FROM {PENDING_TABLE} WHERE id = NEW.id;
  PERFORM set_config('catalog.revision_marked', 'off', true);
  PERFORM pg_notify('{CHANNEL}', bumped::text);
  RETURN NULL;
END $$
""",
    f"""
CREATE CONSTRAINT TRIGGER catalog_revision_commit AFTER INSERT ON {PENDING_TABLE}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalog_revision_bump()
""",
]


def create_triggers(dialect: str, tables: Iterable[str]) -> list[str]:
    """The statements that make writes to `tables` bump the revision."""
    statements: list[str] = []
    for table in tables:
        if dialect == "postgresql":
            statements.append(
                f"CREATE TRIGGER {table}_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION catalog_revision_mark()"
            )
        else:
            for event in ("INSERT", "UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER {table}_revision_{event.lower()} AFTER {event} ON {table} "
                    f"FOR EACH ROW BEGIN UPDATE {REVISION_TABLE} SET value = value + 1 "
                    "WHERE id = 1; END"
                )
    return statements


def drop_triggers(dialect: str, tables: Iterable[str]) -> list[str]:
    statements: list[str] = []
    for table in tables:
        if dialect == "postgresql":
            statements.append(f"DROP TRIGGER IF EXISTS {table}_revision ON {table}")
        else:
            statements.extend(
                f"DROP TRIGGER IF EXISTS {table}_revision_{event}"
                for event in ("insert", "update", "delete")
            )
    return statements
