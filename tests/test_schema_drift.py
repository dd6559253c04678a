"""schema.graphql is generated from the code and committed; any drift fails."""

from app.graphql.schema import sdl
from app.settings import PROJECT_ROOT


def test_committed_schema_matches_code():
    committed = (PROJECT_ROOT / "schema.graphql").read_text()
    assert committed == sdl(), "schema.graphql is stale: run scripts/export-schema"
