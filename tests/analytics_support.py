"""Helpers for the analytics tests: planted models with scores from two sources and a price
history, inserted straight through SQLAlchemy (for volume)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import create_sessionmaker
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    ModelRow,
    OrganizationRow,
    ProviderPricingRow,
    ProviderRow,
)
from app.services.pricing import blended_price

OLD = datetime(2024, 1, 1, tzinfo=UTC)
CHANGED = datetime(2024, 6, 1, tzinfo=UTC)


async def plant(engine: AsyncEngine, tag: str, count: int) -> list[int]:
    """`count` public models in organization `plant-{tag}`, each scored on mmlu by two sources
    20 points apart, priced at two demo providers (one price changed on 2024-06-01).
    Model i is cheaper and worse than model i+1, so all of them are on mmlu's frontier's
    cheap end. Returns the model ids."""
    sessions = create_sessionmaker(engine)
    ids = []
    async with sessions() as session, session.begin():
        mmlu = (
            await session.scalars(select(BenchmarkRow).where(BenchmarkRow.slug == "mmlu"))
        ).one()
        providers = (
            await session.scalars(select(ProviderRow).order_by(ProviderRow.slug).limit(2))
        ).all()
        org = OrganizationRow(slug=f"plant-{tag}", name=f"Plant {tag}")
        session.add(org)
        await session.flush()
        for i in range(count):
            model = ModelRow(organization_id=org.id, slug=f"m{i}", name=f"Plant {tag} {i}")
            session.add(model)
            await session.flush()
            ids.append(model.id)
            high = 50.0 + i * 0.5
            for source, score in (("lab", high), ("arena", high - 20.0)):
                session.add(
                    BenchmarkScoreRow(
                        model_id=model.id,
                        benchmark_id=mmlu.id,
                        score=score,
                        max_score=100.0,
                        normalized_score=score,
                        kind="SELF_REPORTED" if source == "lab" else "THIRD_PARTY",
                        source=source,
                        source_url=f"https://example.org/{source}",
                    )
                )
            price = 0.0001 * (i + 1)
            session.add_all(
                [
                    ProviderPricingRow(
                        provider_id=providers[0].id,
                        model_id=model.id,
                        input_price_per_m=price * 10,
                        output_price_per_m=price * 10,
                        valid_from=OLD,
                        valid_to=CHANGED,
                    ),
                    ProviderPricingRow(
                        provider_id=providers[0].id,
                        model_id=model.id,
                        input_price_per_m=price,
                        output_price_per_m=price,
                        valid_from=CHANGED,
                    ),
                    ProviderPricingRow(
                        provider_id=providers[1].id,
                        model_id=model.id,
                        input_price_per_m=price * 2,
                        output_price_per_m=price * 2,
                        valid_from=OLD,
                    ),
                ]
            )
    return ids


def cheapest_blended(providers: list[dict[str, Any]], ratio: float = 3.0) -> float | None:
    prices = [blended_price(p["inputPricePerM"], p["outputPricePerM"], ratio) for p in providers]
    known = [p for p in prices if p is not None]
    return min(known) if known else None


def brute_force_frontier(points: list[tuple[float, float, int]]) -> list[int]:
    """(price, score, model pk) → pks on the frontier, cheapest first, by the O(n²)
    definition (exact duplicates: the smaller pk wins)."""

    def dominates(a: tuple[float, float, int], b: tuple[float, float, int]) -> bool:
        if a[0] > b[0] or a[1] < b[1]:
            return False
        return a[0] < b[0] or a[1] > b[1] or a[2] < b[2]

    kept = [p for p in points if not any(dominates(q, p) for q in points if q is not p)]
    return [p[2] for p in sorted(kept)]
