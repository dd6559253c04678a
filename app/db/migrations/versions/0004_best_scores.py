"""best scores: each model's best score per benchmark, kept by triggers

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:00:00.000000

`best_scores` holds, per (model, benchmark), the score that ranks the model on that
benchmark's leaderboard, so that a leaderboard page walks an index and stops after the page
instead of ranking every score of the benchmark. Rows per pair:

- grain 0: the best of all its scores; 1: the best per source; 2: per kind; 3: per (source,
  kind) — the `source` / `kind` filters of `leaderboard(filter:)`. Columns outside the grain
  hold ''.
- audience 'public': the best among scores everyone who sees the model sees (no version, or
  a public one); 'owner': the best among all its scores, what the model's organization sees,
  kept only where it differs from the public row (a private version's score is better, or
  there is no public one).

`value` is what ranks (app/repositories/scores.py): the normalized score where the
benchmark's scale is bounded, else the raw score; negated where lower is better; scores
without one are left out. Ties go to the lowest score id. `model_public` and
`organization_id` copy the model's, so that visibility is read from the board index alone.

Database triggers keep the table right for every writer (the service, `catalog import`,
plain SQL): on changes to scores, to a benchmark's scale or direction, to a version's
visibility, and to a model's visibility or organization. PostgreSQL refreshes the touched
pairs once per statement (transition tables); SQLite per row.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The pairs to refresh, as a condition on a table alias's (model_id, benchmark_id).
_PG_PAIRS = (
    "({t}.model_id, {t}.benchmark_id) IN "
    "(SELECT touched.m, touched.b FROM unnest(p_models, p_benchmarks) AS touched(m, b))"
)

_CANDIDATES = """
    SELECT s.id AS score_id, s.model_id, s.benchmark_id, g.grain,
           m.is_public AS model_public, m.organization_id,
           CASE WHEN g.grain IN (1, 3) THEN s.source ELSE '' END AS source,
           CASE WHEN g.grain IN (2, 3) THEN s.kind ELSE '' END AS kind,
           CASE WHEN b.higher_is_better THEN 1 ELSE -1 END
           * CASE WHEN b.max_score IS NOT NULL THEN s.normalized_score ELSE s.score END
             AS value
    FROM benchmark_scores s
    JOIN benchmarks b ON b.id = s.benchmark_id
    JOIN models m ON m.id = s.model_id
    LEFT JOIN model_versions v ON v.id = s.version_id
    CROSS JOIN (SELECT 0 AS grain UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) g
    WHERE ({pairs}) AND (g.grain IN (0, 2) OR s.source IS NOT NULL) {audience}
"""

_INSERT = """
INSERT INTO best_scores (model_id, benchmark_id, grain, source, kind, audience, score_id, value,
                         model_public, organization_id)
SELECT r.model_id, r.benchmark_id, r.grain, r.source, r.kind, '{name}', r.score_id, r.value,
       r.model_public, r.organization_id
FROM (
  SELECT c.*, ROW_NUMBER() OVER (
           PARTITION BY c.model_id, c.benchmark_id, c.grain, c.source, c.kind
           ORDER BY c.value DESC, c.score_id) AS rn
  FROM ({candidates}) c
  WHERE c.value IS NOT NULL
) r
WHERE r.rn = 1 {differs}
"""

_DIFFERS = """
  AND NOT EXISTS (
    SELECT 1 FROM best_scores p
    WHERE p.model_id = r.model_id AND p.benchmark_id = r.benchmark_id AND p.grain = r.grain
      AND p.source = r.source AND p.kind = r.kind AND p.audience = 'public'
      AND p.score_id = r.score_id)
"""


def refresh_sql(pairs: str) -> list[str]:
    """Statements that recompute the rows of the pairs `pairs` (a template over `{t}`, the
    alias whose model_id and benchmark_id it tests) selects: delete, then public rows, then
    owner rows that differ from them."""
    public = _CANDIDATES.format(
        pairs=pairs.format(t="s"), audience="AND (s.version_id IS NULL OR v.is_public)"
    )
    owner = _CANDIDATES.format(pairs=pairs.format(t="s"), audience="")
    return [
        f"DELETE FROM best_scores WHERE {pairs.format(t='best_scores')}",
        _INSERT.format(name="public", candidates=public, differs=""),
        _INSERT.format(name="owner", candidates=owner, differs=_DIFFERS),
    ]


def _create_table() -> None:
    op.create_table(
        "best_scores",
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("benchmark_id", sa.Integer(), nullable=False),
        sa.Column("grain", sa.SmallInteger(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("score_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("model_public", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["model_id"], ["models.id"], name="fk_best_scores_model_id_models", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["benchmark_id"],
            ["benchmarks.id"],
            name="fk_best_scores_benchmark_id_benchmarks",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["score_id"],
            ["benchmark_scores.id"],
            name="fk_best_scores_score_id_benchmark_scores",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "model_id", "benchmark_id", "grain", "source", "kind", "audience", name="pk_best_scores"
        ),
    )
    # A board (benchmark, grain, source, kind) in rank order: a page is a range of it, and
    # who sees a row is in the index too (counting the rows above one reads only the index).
    op.create_index(
        "ix_best_scores_board",
        "best_scores",
        [
            "benchmark_id",
            "grain",
            "source",
            "kind",
            sa.text("value DESC"),
            "model_id",
            "audience",
            "model_public",
            "organization_id",
        ],
    )
    op.create_index("ix_best_scores_score_id", "best_scores", ["score_id"])
    # Scores of hidden versions are looked up by version (`scores._hidden_version`): an index of
    # the few private versions keeps that lookup from reading every version.
    op.create_index(
        "ix_model_versions_private",
        "model_versions",
        ["id"],
        postgresql_where=sa.text("is_public IS NOT TRUE"),
        sqlite_where=sa.text("is_public IS NOT 1"),
    )


# Writers of the same model take turns: the second waits for the first to commit, then
# (READ COMMITTED: a fresh snapshot per statement) recomputes from both one's scores, instead
# of inserting the same rows again (a unique violation) or from a stale view. NO KEY UPDATE
# does not block the foreign-key checks of other writers' inserts.
_PG_LOCK_MODELS = (
    "PERFORM 1 FROM models WHERE id IN (SELECT DISTINCT unnest(p_models)) "
    "ORDER BY id FOR NO KEY UPDATE"
)
_PG_REFRESH_BODY = ";\n".join([_PG_LOCK_MODELS, *refresh_sql(_PG_PAIRS)])

_PG_FUNCTIONS = [
    f"""
CREATE FUNCTION best_scores_refresh(p_models integer[], p_benchmarks integer[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
{_PG_REFRESH_BODY};
END $$
""",
    """
CREATE FUNCTION best_scores_after_scores() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM best_scores_refresh(array_agg(model_id), array_agg(benchmark_id))
    FROM (SELECT DISTINCT model_id, benchmark_id FROM new_rows) p;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM best_scores_refresh(array_agg(model_id), array_agg(benchmark_id))
    FROM (SELECT DISTINCT model_id, benchmark_id FROM old_rows) p;
  ELSE
    PERFORM best_scores_refresh(array_agg(model_id), array_agg(benchmark_id))
    FROM (SELECT model_id, benchmark_id FROM old_rows
          UNION SELECT model_id, benchmark_id FROM new_rows) p;
  END IF;
  RETURN NULL;
END $$
""",
    """
CREATE FUNCTION best_scores_after_benchmark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM best_scores_refresh(array_agg(model_id), array_agg(benchmark_id))
  FROM (SELECT DISTINCT model_id, benchmark_id FROM benchmark_scores
        WHERE benchmark_id = NEW.id) p;
  RETURN NULL;
END $$
""",
    """
CREATE FUNCTION best_scores_after_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM best_scores_refresh(array_agg(model_id), array_agg(benchmark_id))
  FROM (SELECT DISTINCT model_id, benchmark_id FROM benchmark_scores
        WHERE version_id = NEW.id) p;
  RETURN NULL;
END $$
""",
]

_PG_MODEL_FUNCTION = """
CREATE FUNCTION best_scores_after_model() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE best_scores SET model_public = NEW.is_public, organization_id = NEW.organization_id
  WHERE model_id = NEW.id;
  RETURN NULL;
END $$
"""

_PG_TRIGGERS = [
    "CREATE TRIGGER best_scores_model_update AFTER UPDATE ON models FOR EACH ROW "
    "WHEN (OLD.is_public IS DISTINCT FROM NEW.is_public "
    "OR OLD.organization_id IS DISTINCT FROM NEW.organization_id) "
    "EXECUTE FUNCTION best_scores_after_model()",
    "CREATE TRIGGER best_scores_scores_insert AFTER INSERT ON benchmark_scores "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION best_scores_after_scores()",
    "CREATE TRIGGER best_scores_scores_update AFTER UPDATE ON benchmark_scores "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION best_scores_after_scores()",
    "CREATE TRIGGER best_scores_scores_delete AFTER DELETE ON benchmark_scores "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
    "EXECUTE FUNCTION best_scores_after_scores()",
    "CREATE TRIGGER best_scores_benchmark_update AFTER UPDATE ON benchmarks FOR EACH ROW "
    "WHEN (OLD.max_score IS DISTINCT FROM NEW.max_score "
    "OR OLD.higher_is_better IS DISTINCT FROM NEW.higher_is_better) "
    "EXECUTE FUNCTION best_scores_after_benchmark()",
    "CREATE TRIGGER best_scores_version_update AFTER UPDATE ON model_versions FOR EACH ROW "
    "WHEN (OLD.is_public IS DISTINCT FROM NEW.is_public) "
    "EXECUTE FUNCTION best_scores_after_version()",
]

_PG_DROP = [
    "DROP TRIGGER IF EXISTS best_scores_model_update ON models",
    "DROP FUNCTION IF EXISTS best_scores_after_model()",
    "DROP TRIGGER IF EXISTS best_scores_scores_insert ON benchmark_scores",
    "DROP TRIGGER IF EXISTS best_scores_scores_update ON benchmark_scores",
    "DROP TRIGGER IF EXISTS best_scores_scores_delete ON benchmark_scores",
    "DROP TRIGGER IF EXISTS best_scores_benchmark_update ON benchmarks",
    "DROP TRIGGER IF EXISTS best_scores_version_update ON model_versions",
    "DROP FUNCTION IF EXISTS best_scores_after_scores()",
    "DROP FUNCTION IF EXISTS best_scores_after_benchmark()",
    "DROP FUNCTION IF EXISTS best_scores_after_version()",
    "DROP FUNCTION IF EXISTS best_scores_refresh(integer[], integer[])",
]


def _sqlite_pair(row: str) -> str:
    return f"({{t}}.model_id = {row}.model_id AND {{t}}.benchmark_id = {row}.benchmark_id)"


_SQLITE_VERSION_PAIRS = (
    "EXISTS (SELECT 1 FROM benchmark_scores x WHERE x.version_id = NEW.id "
    "AND x.model_id = {t}.model_id AND x.benchmark_id = {t}.benchmark_id)"
)


def _sqlite_trigger(name: str, event: str, pairs: str) -> str:
    body = ";\n".join(refresh_sql(pairs))
    return f"CREATE TRIGGER {name} {event}\nBEGIN\n{body};\nEND"


_SQLITE_TRIGGERS = [
    _sqlite_trigger(
        "best_scores_scores_insert", "AFTER INSERT ON benchmark_scores", _sqlite_pair("NEW")
    ),
    _sqlite_trigger(
        "best_scores_scores_update",
        "AFTER UPDATE OF model_id, benchmark_id, version_id, score, normalized_score, source, "
        "kind ON benchmark_scores",
        f"{_sqlite_pair('OLD')} OR {_sqlite_pair('NEW')}",
    ),
    _sqlite_trigger(
        "best_scores_scores_delete", "AFTER DELETE ON benchmark_scores", _sqlite_pair("OLD")
    ),
    _sqlite_trigger(
        "best_scores_benchmark_update",
        "AFTER UPDATE OF max_score, higher_is_better ON benchmarks "
        "WHEN OLD.max_score IS NOT NEW.max_score "
        "OR OLD.higher_is_better IS NOT NEW.higher_is_better",
        "{t}.benchmark_id = NEW.id",
    ),
    _sqlite_trigger(
        "best_scores_version_update",
        "AFTER UPDATE OF is_public ON model_versions WHEN OLD.is_public IS NOT NEW.is_public",
        _SQLITE_VERSION_PAIRS,
    ),
    "CREATE TRIGGER best_scores_model_update AFTER UPDATE OF is_public, organization_id ON models "
    "WHEN OLD.is_public IS NOT NEW.is_public OR OLD.organization_id IS NOT NEW.organization_id\n"
    "BEGIN\n"
    "UPDATE best_scores SET model_public = NEW.is_public, organization_id = NEW.organization_id "
    "WHERE model_id = NEW.id;\n"
    "END",
]

_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS best_scores_model_update",
    "DROP TRIGGER IF EXISTS best_scores_scores_insert",
    "DROP TRIGGER IF EXISTS best_scores_scores_update",
    "DROP TRIGGER IF EXISTS best_scores_scores_delete",
    "DROP TRIGGER IF EXISTS best_scores_benchmark_update",
    "DROP TRIGGER IF EXISTS best_scores_version_update",
]


def upgrade() -> None:
    _create_table()
    if op.get_bind().dialect.name == "postgresql":
        for statement in [*_PG_FUNCTIONS, _PG_MODEL_FUNCTION, *_PG_TRIGGERS]:
            op.execute(statement)
    else:
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    # Backfill: every pair.
    for statement in refresh_sql("1 = 1"):
        op.execute(statement)


def downgrade() -> None:
    drops = _PG_DROP if op.get_bind().dialect.name == "postgresql" else _SQLITE_DROP
    for statement in drops:
        op.execute(statement)
    op.drop_index("ix_model_versions_private", table_name="model_versions")
    op.drop_index("ix_best_scores_score_id", table_name="best_scores")
    op.drop_index("ix_best_scores_board", table_name="best_scores")
    op.drop_table("best_scores")
