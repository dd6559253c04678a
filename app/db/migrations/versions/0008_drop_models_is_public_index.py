"""drop ix_models_is_public: an index on a flag nearly every model has

Nearly every model is public, so the index on `models.is_public` never narrows a read; what
it did was mislead SQLite's planner, which took the equality on the flag over the index that
gives a page its order (`ix_models_name`, `ix_models_created_at`, ...) and then sorted every
public model to return fifty.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain DROP INDEX (no batch: the table, and its revision triggers, stay as they are).
    op.drop_index("ix_models_is_public", table_name="models")


def downgrade() -> None:
    op.create_index("ix_models_is_public", "models", ["is_public"], unique=False)
