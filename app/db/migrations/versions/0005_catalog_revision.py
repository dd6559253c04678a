"""catalog revision: a number bumped by triggers in the transaction of every catalog write

Revision ID: 0005
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.revision_triggers import (
    PENDING_TABLE,
    POSTGRES_FUNCTIONS,
    REVISION_TABLE,
    create_triggers,
    drop_triggers,
)

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The catalog's tables at this revision (the audit log is never cached, so not tracked).
TRACKED_TABLES = (
    "organizations",
    "licenses",
    "families",
    "models",
    "model_external_ids",
    "model_modalities",
    "model_tags",
    "model_versions",
    "version_files",
    "version_aliases",
    "version_metrics",
    "version_statistics",
    "benchmarks",
    "benchmark_scores",
    "providers",
    "provider_pricing",
    "api_tokens",
    "alias_history",
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        REVISION_TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_catalog_revision_one_row"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(f"INSERT INTO {REVISION_TABLE} (id, value) VALUES (1, 1)")
    if dialect == "postgresql":
        op.create_table(
            PENDING_TABLE,
            sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
            sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        for statement in POSTGRES_FUNCTIONS:
            op.execute(statement)
    for statement in create_triggers(dialect, TRACKED_TABLES):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in drop_triggers(dialect, TRACKED_TABLES):
        op.execute(statement)
    if dialect == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS catalog_revision_commit ON {PENDING_TABLE}")
        op.drop_table(PENDING_TABLE)
        op.execute("DROP FUNCTION IF EXISTS catalog_revision_bump()")
        op.execute("DROP FUNCTION IF EXISTS catalog_revision_mark()")
    op.drop_table(REVISION_TABLE)
