"""A provider's price for a model: a change closes the current price and opens a new one."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import Viewer
from app.commands import emit
from app.commands.access import require_role
from app.commands.inputs import PriceSpec
from app.errors import NotFound
from app.repositories import audit, catalog_writes
from app.repositories import models as models_repo
from app.services.validation import Checker

PRICE_STATUSES = ("active", "deprecated", "preview", "unavailable")


def check_pricing(data: PriceSpec) -> None:
    check = Checker()
    check.non_negative(("input", "inputPricePerM"), data.input_price_per_m)
    check.non_negative(("input", "outputPricePerM"), data.output_price_per_m)
    if data.status not in PRICE_STATUSES:
        check.add(("input", "status"), f"must be one of {', '.join(PRICE_STATUSES)}")
    check.url(("input", "sourceUrl"), data.source_url)
    check.raise_if_any("Invalid price")


async def set_pricing(session: AsyncSession, viewer: Viewer, data: PriceSpec) -> int:
    """Returns the model's id."""
    require_role(viewer)
    check_pricing(data)
    found = await models_repo.by_names(session, viewer, [(data.org, data.name)])
    if not found:
        raise NotFound(f"Model '{data.org}/{data.name}' not found")
    model = found[0][0]
    providers = await catalog_writes.providers_by_slugs(session, [data.provider])
    provider = providers.get(data.provider)
    if provider is None:
        raise NotFound(f"Provider '{data.provider}' not found")
    values: dict[str, Any] = {
        "status": data.status,
        "input_price_per_m": data.input_price_per_m,
        "output_price_per_m": data.output_price_per_m,
        "source_url": data.source_url,
    }
    old = await catalog_writes.current_price(session, provider.id, model.id)
    before = None if old is None else {name: getattr(old, name) for name in values}
    _, changed = await catalog_writes.set_price(session, provider.id, model.id, values)
    if changed:
        event = emit.price_moved(data.org, model, data.provider, before, values)
        await emit.emit(session, [event])
        audit.record(
            session,
            viewer,
            organization_id=viewer.organization_id,
            action="set_pricing",
            target_type="Model",
            target_id=model.id,
            details={"provider": data.provider, **values},
        )
    return int(model.id)
