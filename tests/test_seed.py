"""`catalog seed` is idempotent, and the demo catalog meets its minimums."""

from sqlalchemy import func, select

from app.commands.seed import load_seeds
from app.db.base import Base
from app.db.engine import create_sessionmaker
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    ModelRow,
    ModelVersionRow,
    OrganizationRow,
    ProviderPricingRow,
    ProviderRow,
    VersionAliasRow,
    VersionFileRow,
)
from app.settings import PROJECT_ROOT


async def _row_counts(engine):
    async with engine.connect() as connection:
        return {
            table.name: await connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }


async def test_second_seed_changes_nothing(fresh_engine):
    before = await _row_counts(fresh_engine)
    report = await load_seeds(create_sessionmaker(fresh_engine), PROJECT_ROOT / "seeds")
    assert report.tally["created"] == 0 and report.tally["updated"] == 0, report.summary()
    assert report.tally["unchanged"] > 0
    assert await _row_counts(fresh_engine) == before


async def test_seed_into_empty_database_creates_everything(empty_engine, seeded_engine):
    report = await load_seeds(create_sessionmaker(empty_engine), PROJECT_ROOT / "seeds")
    assert report.tally["created"] > 0 and report.tally["updated"] == 0
    assert await _row_counts(empty_engine) == await _row_counts(seeded_engine)


async def _scalar(engine, stmt):
    async with engine.connect() as connection:
        return await connection.scalar(stmt)


async def test_demo_catalog_minimums(seeded_engine):
    def count(table, *where):
        return _scalar(seeded_engine, select(func.count()).select_from(table).where(*where))

    assert await count(ModelRow) >= 25
    assert await count(OrganizationRow) >= 8
    assert await count(BenchmarkRow) >= 10
    assert await count(BenchmarkScoreRow) >= 150
    assert await count(BenchmarkScoreRow, BenchmarkScoreRow.source_url.is_(None)) == 0
    assert await count(BenchmarkScoreRow, BenchmarkScoreRow.source_url == "") == 0
    priced = select(func.count(func.distinct(ProviderPricingRow.provider_id))).where(
        ProviderPricingRow.input_price_per_m.is_not(None)
    )
    assert await count(ProviderRow) >= 6 and await _scalar(seeded_engine, priced) >= 6

    per_model = (
        select(ModelVersionRow.model_id, func.count().label("n"))
        .group_by(ModelVersionRow.model_id)
        .subquery()
    )
    with_3_to_8 = select(func.count()).select_from(per_model).where(per_model.c.n.between(3, 8))
    assert await _scalar(seeded_engine, with_3_to_8) >= 5
    assert await count(ModelVersionRow, ModelVersionRow.is_prerelease.is_(True)) >= 1
    for status in ("DELETED", "INACTIVE", "ACTIVE"):
        assert await count(ModelVersionRow, ModelVersionRow.status == status) >= 1, status
    assert await count(VersionFileRow, VersionFileRow.size_bytes > 4 * 2**30) >= 1
    for alias in ("latest", "production", "staging"):
        assert await count(VersionAliasRow, VersionAliasRow.alias == alias) >= 1, alias
