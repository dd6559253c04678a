"""Price history from dated snapshots.

A price is a time range per (provider, model): `valid_from` .. `valid_to` (open while current).
A snapshot observed at T:
- no row yet: opens one from T;
- the row in effect at T is the open one and the price differs: closes it at T, opens a new one
  (a newer snapshot); same price: nothing changes;
- the row in effect at T is a closed, historical one: history wins, nothing changes (an older
  snapshot never rewrites what a newer one recorded);
- no row in effect at T (T before the known history, or in a gap): the next row is extended back
  to T when its price is the same, else a closed row [T, next.valid_from) is inserted; with no
  next row but a newer snapshot of the same source on record, the pair was retired by then:
  the row is closed at that snapshot's date.
After a newer snapshot, open rows of the same source that it no longer lists (retired models)
are closed at T, unless some of its price rows were skipped (then nothing is closed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.tables import ProviderPricingRow, ProviderRow
from app.importers.records import ModelRef, ParsedSource, PriceRecord
from app.importers.report import ImportReport

_COMPARED = ("input_price_per_m", "output_price_per_m", "status")


@dataclass(frozen=True)
class PriceChange:
    """A change of a pair's current price, for the import's events (history edits of older
    snapshots change no current price and are not listed)."""

    kind: str  # "added", "changed" or "retired"
    provider_id: int
    model_id: int
    old: dict[str, object] | None
    new: dict[str, object] | None


def _values(row: ProviderPricingRow) -> dict[str, object]:
    return {k: getattr(row, k) for k in _COMPARED}


def _same(row: ProviderPricingRow, values: dict[str, object]) -> bool:
    return all(getattr(row, k) == values[k] for k in _COMPARED)


def _preference(rec: PriceRecord) -> tuple[int, int, str]:
    return (rec.priority, len(rec.model.external_id), rec.model.external_id)


def _in_effect(row: ProviderPricingRow, at: datetime) -> bool:
    return row.valid_from <= at and (row.valid_to is None or at < row.valid_to)


async def write_prices(
    session: AsyncSession,
    parsed: ParsedSource,
    model_id_of: Callable[[ModelRef], int | None],
    report: ImportReport,
    problem: Callable[[str, str], None],
) -> list[PriceChange]:
    """Writes the snapshot's prices; returns the changes of current prices."""
    changes: list[PriceChange] = []
    if not parsed.prices:
        return changes
    providers = {
        row.slug: row.id
        for row in (
            await session.scalars(
                select(ProviderRow).where(
                    ProviderRow.slug.in_({p.provider_slug for p in parsed.prices})
                )
            )
        ).all()
    }
    chosen: dict[tuple[int, int], PriceRecord] = {}
    duplicates = 0
    skipped = False
    for rec in parsed.prices:
        model_id = model_id_of(rec.model)
        if model_id is None:
            problem(rec.location, f"price of an unresolved model {rec.model.external_id!r}")
            skipped = True
            continue
        key = (providers[rec.provider_slug], model_id)
        other = chosen.get(key)
        if other is not None:
            duplicates += 1
            # The plainest key wins (`gpt-4o` over `azure/eu/gpt-4o`), whatever the file order.
            if _preference(rec) >= _preference(other):
                continue
        chosen[key] = rec
    if duplicates:
        report.notes.append(
            f"{duplicates} price rows name a (provider, model) pair already priced in this "
            "snapshot (regions, aliases); one price per pair is kept (the source's preferred key)"
        )
    history: dict[tuple[int, int], list[ProviderPricingRow]] = defaultdict(list)
    stmt = select(ProviderPricingRow).where(
        ProviderPricingRow.provider_id.in_(set(providers.values()))
    )
    for row in (await session.scalars(stmt)).all():
        history[(row.provider_id, row.model_id)].append(row)
    # The newest snapshot of this source already recorded: a pair it did not list was retired.
    newest = max(
        (r.valid_from for rs in history.values() for r in rs if r.source == parsed.source),
        default=None,
    )
    tally = report.tally("prices")
    for (provider_id, model_id), rec in chosen.items():
        rows = sorted(history[(provider_id, model_id)], key=lambda r: r.valid_from)
        values: dict[str, object] = {
            "input_price_per_m": rec.input_price_per_m,
            "output_price_per_m": rec.output_price_per_m,
            "status": rec.status,
        }
        current = next((r for r in rows if _in_effect(r, rec.observed_at)), None)
        before = _values(current) if current is not None else None
        seen = observe(rows, rec.observed_at, values, newest)
        if seen.changed:
            tally["updated"] += 1
        if before is not None and seen.changed:  # corrected in place, or closed and replaced
            changes.append(PriceChange("changed", provider_id, model_id, before, values))
        elif before is None and seen.add and seen.valid_to is None:
            changes.append(PriceChange("added", provider_id, model_id, None, values))
        if seen.add:
            _add(session, parsed.source, provider_id, model_id, rec, values, seen.valid_to, tally)
        elif not seen.changed:
            tally["unchanged"] += 1
    if not skipped:
        _close_retired(history, chosen, parsed, tally, changes)
    await session.flush()
    return changes


@dataclass(frozen=True)
class Observation:
    """What observing a price did to a pair's history: rows changed in place, and whether a
    row [observed at, `valid_to`) is to be added."""

    changed: bool
    add: bool
    valid_to: datetime | None = None


def observe(
    rows: list[ProviderPricingRow],
    at: datetime,
    values: dict[str, object],
    newest: datetime | None,
) -> Observation:
    """The history rule (module docstring) for one (provider, model) pair whose price `values`
    were observed at `at`; `rows` are the pair's rows by `valid_from` (changed in place);
    `newest` the newest snapshot of the observing source already recorded."""
    current = next((r for r in rows if _in_effect(r, at)), None)
    if current is not None:
        if _same(current, values) or current.valid_to is not None:
            return Observation(changed=False, add=False)
        if current.valid_from == at:  # same moment, corrected price
            for name, value in values.items():
                setattr(current, name, value)
            return Observation(changed=True, add=False)
        current.valid_to = at
        return Observation(changed=True, add=True)
    later = next((r for r in rows if r.valid_from > at), None)
    if later is not None and _same(later, values):
        later.valid_from = at
        return Observation(changed=True, add=False)
    valid_to = later.valid_from if later is not None else None
    if valid_to is None and newest is not None and newest > at:
        valid_to = newest  # an older snapshot: the newer one no longer lists the pair
    return Observation(changed=False, add=True, valid_to=valid_to)


def _add(
    session: AsyncSession,
    source: str,
    provider_id: int,
    model_id: int,
    rec: PriceRecord,
    values: dict[str, object],
    valid_to: datetime | None,
    tally: dict[str, int],
) -> None:
    session.add(
        ProviderPricingRow(
            provider_id=provider_id,
            model_id=model_id,
            valid_from=rec.observed_at,
            valid_to=valid_to,
            source=source,
            source_url=rec.source_url,
            **values,
        )
    )
    tally["created"] += 1


def _close_retired(
    history: dict[tuple[int, int], list[ProviderPricingRow]],
    chosen: dict[tuple[int, int], PriceRecord],
    parsed: ParsedSource,
    tally: dict[str, int],
    changes: list[PriceChange],
) -> None:
    at = max(rec.observed_at for rec in parsed.prices)
    for key, rows in history.items():
        if key in chosen:
            continue
        for row in rows:
            if row.source == parsed.source and row.valid_to is None and row.valid_from < at:
                row.valid_to = at
                tally["updated"] += 1
                changes.append(PriceChange("retired", key[0], key[1], _values(row), None))
