"""Writes a parsed source into the catalog: identities, reference rows, scores, prices.

One import run is one transaction (the caller's `session.begin()`): a crash writes nothing.
Every table the run touches is loaded once into an in-memory index; rows are then compared and
only real changes are written, so a second run of the same files changes nothing.

Rules (also in the README, "Importing real data"):
- Reference rows (organizations, licenses, benchmarks, providers) are created by the first
  source that names them; later imports only fill their empty fields.
- A model's fields belong to the source that created it (`models.source`): that source updates
  them (never to null); other sources only fill fields that are empty.
- Scores are keyed by (model, benchmark, source, variant); prices are time ranges per
  (provider, model), see `app/importers/prices.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.commands import model_writer
from app.db.tables import (
    BenchmarkRow,
    BenchmarkScoreRow,
    LicenseRow,
    ModelExternalIdRow,
    ModelRow,
    ModelVersionRow,
    OrganizationRow,
    ProviderPricingRow,
    ProviderRow,
)
from app.importers import prices as prices_writer
from app.importers.aliases import load_aliases
from app.importers.records import ModelRecord, ModelRef, ParsedSource, Problem, ScoreRecord
from app.importers.report import ImportReport
from app.importers.spelling_merge import merge_spellings
from app.importers.version_writer import write_versions
from app.seed.upsert import Index, Tally, upsert
from app.services import identity

Progress = Callable[[str, int, int], None]

# Model fields a source may set, in ModelRow terms.
_MODEL_FIELDS = (
    "name",
    "description",
    "license_id",
    "context_window",
    "param_count",
    "release_date",
    "url",
    "source_api_ref",
    "source_paper",
    "source_weights",
    "source_repo",
)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _canonicality(record: ModelRecord) -> tuple[int, str]:
    """The record that names a model most plainly comes first (`gpt-4o` before `azure/...`)."""
    return (len(record.ref.external_id), record.ref.external_id)


@dataclass
class _Resolved:
    model_ids: dict[tuple[str, str], int]  # (source, external id) -> model id
    failed: dict[tuple[str, str], str]  # (source, external id) -> why it has no model


class Writer:
    def __init__(
        self,
        session: AsyncSession,
        parsed: ParsedSource,
        report: ImportReport,
        progress: Progress | None = None,
    ) -> None:
        self.s = session
        self.parsed = parsed
        self.report = report
        self.progress = progress or (lambda phase, done, total: None)
        self.orgs: Index = Index()
        self.model_names: dict[int, str] = {}
        self.resolved = _Resolved({}, {})
        self._reported: set[Problem] = set(report.problems)
        # What changed, for the events of the import command.
        self.created_models: list[ModelRow] = []
        self.updated_models: dict[int, list[str]] = {}
        self.price_changes: list[prices_writer.PriceChange] = []
        self.recorded_scores: list[BenchmarkScoreRow] = []
        self.published_versions: list[ModelVersionRow] = []

    def _problem(self, location: str, reason: str) -> None:
        """Reported once per (location, reason): a row whose model failed to resolve is not
        reported again for each of its scores or versions."""
        problem = Problem(location, reason)
        if problem not in self._reported:
            self._reported.add(problem)
            self.report.problems.append(problem)

    async def _is_older_snapshot(self) -> bool:
        """True when a newer snapshot of this source was imported before (its prices say so)."""
        if self.parsed.as_of is None:
            return False
        newest = await self.s.scalar(
            select(func.max(ProviderPricingRow.valid_from)).where(
                ProviderPricingRow.source == self.parsed.source
            )
        )
        return newest is not None and newest > self.parsed.as_of

    async def run(self) -> None:
        steps = 6
        self.older = await self._is_older_snapshot()
        if self.older:
            self.report.notes.append(
                "an older snapshot than one already imported: model fields are only filled "
                "where empty, price history only where it has gaps"
            )
        self.progress("reference data", 0, steps)
        await self._organizations()
        await self._licenses_benchmarks_providers()
        self.progress("models", 1, steps)
        await self._models()
        self.progress("external ids", 2, steps)
        await self._external_ids()
        self.progress("scores", 3, steps)
        await self._scores()
        self.progress("prices", 4, steps)
        self.price_changes = await prices_writer.write_prices(
            self.s, self.parsed, self._model_id, self.report, self._problem
        )
        self.progress("versions", 5, steps)
        await self._versions()
        await self.s.flush()
        # Models spelled like another of their organization become one (identity rules).
        await merge_spellings(self.s, self.report, self._problem)
        self.progress("done", steps, steps)

    # -- reference rows -------------------------------------------------------------------

    async def _organizations(self) -> None:
        self.orgs = await Index.load(self.s, OrganizationRow, "slug")
        tally = self.report.tally("organizations")
        for rec in self.parsed.organizations:
            values = {"name": rec.name, "url": rec.url, "description": rec.description}
            self._create_or_fill(self.orgs, (rec.slug,), OrganizationRow, rec.slug, values, tally)
        await self.s.flush()

    def _create_or_fill(
        self,
        index: Index,
        key: tuple[Any, ...],
        table: type[Any],
        slug: str,
        values: dict[str, Any],
        tally: Tally,
    ) -> Any:
        row = index.get(key)
        if row is None:
            row = table(slug=slug, **values)
            self.s.add(row)
            index[key] = row
            tally["created"] += 1
            return row
        changed = False
        for name, value in values.items():
            if not _empty(value) and _empty(getattr(row, name)):
                setattr(row, name, value)
                changed = True
        tally["updated" if changed else "unchanged"] += 1
        return row

    async def _ensure_org(self, slug: str) -> OrganizationRow:
        row = self.orgs.get((slug,))
        if row is None:
            row = OrganizationRow(slug=slug, name=slug)
            self.s.add(row)
            self.orgs[(slug,)] = row
            self.report.tally("organizations")["created"] += 1
            await self.s.flush()
        return row

    async def _licenses_benchmarks_providers(self) -> None:
        self.licenses = await Index.load(self.s, LicenseRow, "slug")
        tally = self.report.tally("licenses")
        for lic in self.parsed.licenses:
            values = {"name": lic.name, "allow_commercial": lic.allow_commercial, "url": lic.url}
            self._create_or_fill(self.licenses, (lic.slug,), LicenseRow, lic.slug, values, tally)
        self.benchmarks = await Index.load(self.s, BenchmarkRow, "slug")
        tally = self.report.tally("benchmarks")
        for b in self.parsed.benchmarks:
            row = self.benchmarks.get((b.slug,))
            values = {
                "name": b.name,
                "category": b.category,
                "max_score": b.max_score,
                "description": b.description,
                "url": b.url,
            }
            if row is None:
                values["higher_is_better"] = b.higher_is_better
            self._create_or_fill(self.benchmarks, (b.slug,), BenchmarkRow, b.slug, values, tally)
        providers = await Index.load(self.s, ProviderRow, "slug")
        tally = self.report.tally("providers")
        seen: set[str] = set()
        for price in self.parsed.prices:
            if price.provider_slug in seen:
                continue
            seen.add(price.provider_slug)
            values = {"name": price.provider_name}
            self._create_or_fill(
                providers, (price.provider_slug,), ProviderRow, price.provider_slug, values, tally
            )
        await self.s.flush()

    # -- models ---------------------------------------------------------------------------

    def _all_model_records(self) -> list[ModelRecord]:
        """The source's model records, plus a bare record for every reference (in scores,
        prices, versions, base models) that names a model no record describes."""
        records = list(self.parsed.models) + [v.model for v in self.parsed.versions]
        described = {(r.ref.source, r.ref.external_id) for r in records}
        refs: list[tuple[ModelRef, str]] = [(s.model, s.location) for s in self.parsed.scores]
        refs += [(p.model, p.location) for p in self.parsed.prices]
        refs += [(r.base_model, r.location) for r in records if r.base_model is not None]
        for ref, location in refs:
            key = (ref.source, ref.external_id)
            if key in described:
                continue
            described.add(key)
            normalized = identity.normalize_id(ref.external_id)
            fallback = ref.organization or ref.source
            records.append(
                ModelRecord(
                    ref=ref,
                    organization_slug=identity.guess_organization(normalized, fallback),
                    name=ref.name or ref.external_id.rsplit("/", 1)[-1],
                    location=location,
                )
            )
        return records

    async def _models(self) -> None:
        rows = {row.id: row for row in (await self.s.scalars(select(ModelRow))).all()}
        org_slugs = {row.id: slug for (slug,), row in self.orgs.items()}
        index = identity.IdentityIndex(load_aliases())
        for row in rows.values():
            org_slug = org_slugs.get(row.organization_id)
            org = org_slug and identity.attested_organization(row.source or "", org_slug, row.slug)
            index.add_model(row.id, row.slug, identity.hf_repo_from_url(row.source_weights), org)
            self.model_names[row.id] = f"{org_slugs.get(row.organization_id, '?')}/{row.slug}"
        self.existing_external: set[tuple[str, str]] = set()
        for ext in (await self.s.scalars(select(ModelExternalIdRow))).all():
            index.add_external_id(ext.model_id, ext.source, ext.external_id)
            self.existing_external.add((ext.source, ext.external_id))
        grouped: dict[int, list[ModelRecord]] = defaultdict(list)
        next_provisional = -1
        records = self._all_model_records()
        for n, rec in enumerate(records):
            if n % 500 == 0:
                self.progress("models", n, len(records))
            key = (rec.ref.source, rec.ref.external_id)
            if key in self.resolved.failed:  # one record per version: report the id once
                continue
            match = index.match(rec.ref.source, rec.ref.external_id, rec.ref.hf_repo)
            if match.ambiguous:
                names = ", ".join(self.model_names.get(c, "(new)") for c in match.candidates)
                reason = f"ambiguous model id {rec.ref.external_id!r} (tier {match.tier}): {names}"
                self.resolved.failed[key] = reason
                self._problem(rec.location, reason)
                continue
            model_id = match.model_id
            if model_id is None:
                model_id = next_provisional
                next_provisional -= 1
                self.model_names[model_id] = "(new)"
                index.add_model(
                    model_id,
                    identity.normalize_id(rec.ref.external_id),
                    organization=identity.attested_organization(
                        self.parsed.source, rec.organization_slug, rec.ref.external_id
                    ),
                )
            index.add_external_id(model_id, rec.ref.source, rec.ref.external_id, rec.ref.hf_repo)
            self.resolved.model_ids[key] = model_id
            grouped[model_id].append(rec)
        new_ids = await self._create_models(
            {k: sorted(v, key=_canonicality) for k, v in grouped.items() if k < 0}, rows
        )
        for key, model_id in self.resolved.model_ids.items():
            if model_id < 0:
                self.resolved.model_ids[key] = new_ids[model_id]
        created = set(new_ids.values())
        await self._update_models(
            {k: sorted(v, key=_canonicality) for k, v in grouped.items() if k > 0}, rows
        )
        await self._base_models(records, rows, created)

    def _model_values(self, records: Sequence[ModelRecord]) -> dict[str, Any]:
        """Field by field, the first record (most canonical first) that gives a value."""
        values: dict[str, Any] = {}
        for rec in records:
            weights = rec.source_weights or (
                f"https://huggingface.co/{rec.ref.hf_repo}" if rec.ref.hf_repo else None
            )
            lic = self.licenses.get((rec.license_slug,)) if rec.license_slug else None
            given = {
                "name": rec.name,
                "description": rec.description,
                "license_id": lic.id if lic is not None else None,
                "context_window": rec.context_window,
                "param_count": rec.param_count,
                "release_date": rec.release_date,
                "url": rec.url,
                "source_api_ref": rec.source_api_ref,
                "source_paper": rec.source_paper,
                "source_weights": weights,
                "source_repo": rec.source_repo,
                "open_weight": rec.open_weight,
                "modalities": list(rec.modalities) or None,
            }
            for name, value in given.items():
                if name not in values and not _empty(value):
                    values[name] = value
        return values

    async def _create_models(
        self, groups: dict[int, list[ModelRecord]], rows: dict[int, ModelRow]
    ) -> dict[int, int]:
        taken = {(row.organization_id, row.slug) for row in rows.values()}
        created: dict[int, ModelRow] = {}
        tally = self.report.tally("models")
        for provisional, records in groups.items():
            first = records[0]
            org = await self._ensure_org(identity.canonical_organization(first.organization_slug))
            base_slug = identity.slugify(identity.normalize_id(first.ref.external_id))
            slug, n = base_slug, 1
            while (org.id, slug) in taken:
                n += 1
                slug = f"{base_slug}-{n}"
            taken.add((org.id, slug))
            values = self._model_values(records)
            row = model_writer.add(
                self.s,
                {
                    "organization_id": org.id,
                    "slug": slug,
                    "description": values.pop("description", ""),
                    "open_weight": bool(values.pop("open_weight", False)),
                    "modalities": values.pop("modalities", []),
                    "source": self.parsed.source,
                    "is_public": True,
                    **values,
                },
            )
            row.name = values.get("name") or first.ref.external_id
            created[provisional] = row
            self.model_names[provisional] = f"{org.slug}/{slug}"
            tally["created"] += 1
        await self.s.flush()
        for provisional, row in created.items():
            rows[row.id] = row
            self.model_names[row.id] = self.model_names[provisional]
        await model_writer.sync_mirrors(self.s, list(created.values()))
        self.created_models = list(created.values())
        return {provisional: row.id for provisional, row in created.items()}

    async def _update_models(
        self, groups: dict[int, list[ModelRecord]], rows: dict[int, ModelRow]
    ) -> None:
        tally = self.report.tally("models")
        resync: list[ModelRow] = []
        for model_id, records in groups.items():
            row = rows[model_id]
            owner = row.source == self.parsed.source and not self.older
            wanted: dict[str, Any] = {}
            for name, value in self._model_values(records).items():
                current = getattr(row, name)
                if current == value or (not owner and not _empty(current)):
                    continue
                if name == "open_weight" and not owner:
                    continue
                wanted[name] = value
            changed = model_writer.assign(row, wanted)
            if changed:
                self.updated_models[row.id] = changed
            if "modalities" in changed:
                resync.append(row)
            tally["updated" if changed else "unchanged"] += 1
        await self.s.flush()
        await model_writer.sync_mirrors(self.s, resync)

    async def _base_models(
        self, records: Sequence[ModelRecord], rows: dict[int, ModelRow], created: set[int]
    ) -> None:
        tally = self.report.tally("models")
        for rec in records:
            if rec.base_model is None:
                continue
            model_id = self._model_id(rec.ref)
            base_id = self._model_id(rec.base_model)
            if model_id is None or base_id is None or model_id == base_id:
                continue
            row = rows[model_id]
            if row.base_model_id is None and row.base_model_id != base_id:
                row.base_model_id = base_id
                if model_id not in created and tally["unchanged"] > 0:
                    tally["unchanged"] -= 1
                    tally["updated"] += 1
        await self.s.flush()

    def _model_id(self, ref: ModelRef) -> int | None:
        return self.resolved.model_ids.get((ref.source, ref.external_id))

    def _failure(self, ref: ModelRef) -> str:
        return self.resolved.failed.get(
            (ref.source, ref.external_id), f"model {ref.external_id!r} was not resolved"
        )

    async def _external_ids(self) -> None:
        tally = self.report.tally("external_ids")
        for (source, external_id), model_id in self.resolved.model_ids.items():
            if (source, external_id) in self.existing_external:
                tally["unchanged"] += 1
                continue
            self.s.add(
                ModelExternalIdRow(
                    model_id=model_id,
                    source=source,
                    external_id=external_id,
                    normalized=identity.normalize_id(external_id),
                )
            )
            self.existing_external.add((source, external_id))
            tally["created"] += 1
        await self.s.flush()

    # -- scores ---------------------------------------------------------------------------

    async def _scores(self) -> None:
        if not self.parsed.scores:
            return
        source = self.parsed.source
        existing = Index()
        stmt = select(BenchmarkScoreRow).where(BenchmarkScoreRow.source == source)
        for row in (await self.s.scalars(stmt)).all():
            existing[(row.model_id, row.benchmark_id, row.variant)] = row
        tally = self.report.tally("scores")
        for n, (key, rec) in enumerate(self._keyed_scores()):
            if n % 1000 == 0:
                self.progress("scores", n, len(self.parsed.scores))
            model_id, bench_id, variant = key
            bench_max = self.benchmarks[(rec.benchmark_slug,)].max_score
            values = {
                "model_id": model_id,
                "benchmark_id": bench_id,
                "variant": variant,
                "source": source,
                "score": rec.score,
                "max_score": rec.max_score if rec.max_score is not None else bench_max,
                "normalized_score": rec.normalized_score,
                "kind": rec.kind,
                "is_self_reported": rec.kind == "SELF_REPORTED",
                "is_verified": rec.kind == "VERIFIED",
                "source_url": rec.source_url,
                "scored_at": rec.scored_at,
                "uncertainty": rec.uncertainty,
            }
            written = tally["created"] + tally["updated"]
            row = upsert(self.s, existing, key, BenchmarkScoreRow, values, tally)
            if tally["created"] + tally["updated"] > written:
                self.recorded_scores.append(row)
        await self.s.flush()

    def _keyed_scores(self) -> list[tuple[tuple[int, int, str], ScoreRecord]]:
        """Each score record with its stored key (model, benchmark, variant); see `score_keys`.

        Records whose model or benchmark is unknown are problems; same-key duplicates are
        dropped (equal values: counted in a note) or reported (conflicting values)."""
        resolved: list[tuple[int, int, ScoreRecord]] = []
        for rec in self.parsed.scores:
            model_id = self._model_id(rec.model)
            if model_id is None:
                self._problem(rec.location, self._failure(rec.model))
                continue
            bench = self.benchmarks.get((rec.benchmark_slug,))
            if bench is None:
                self._problem(rec.location, f"unknown benchmark {rec.benchmark_slug!r}")
                continue
            resolved.append((model_id, bench.id, rec))
        out: list[tuple[tuple[int, int, str], ScoreRecord]] = []
        kept: dict[tuple[int, int, str], ScoreRecord] = {}
        repeated = 0
        for key, rec in score_keys(resolved):
            first = kept.get(key)
            if first is None:
                kept[key] = rec
                out.append((key, rec))
            elif _same_score(first, rec):
                repeated += 1
            else:
                self._problem(
                    rec.location,
                    f"conflicting duplicate score for {self.model_names.get(key[0])} on "
                    f"{rec.benchmark_slug!r} (variant {key[2]!r}): {rec.score:g} here, "
                    f"{first.score:g} at {first.location}",
                )
        if repeated:
            self.report.notes.append(f"{repeated} repeated score rows with equal values ignored")
        return out

    # -- versions -------------------------------------------------------------------------

    async def _versions(self) -> None:
        if not self.parsed.versions:
            return
        model_ids: dict[str, int] = {}
        versions = []
        for rec in self.parsed.versions:
            model_id = self._model_id(rec.model.ref)
            if model_id is None:
                self._problem(rec.location, self._failure(rec.model.ref))
                continue
            model_ids[rec.model.ref.external_id] = model_id
            versions.append(rec)
        self.published_versions = await write_versions(
            self.s, versions, model_ids, self.report.tally("versions")
        )


def _same_score(a: ScoreRecord, b: ScoreRecord) -> bool:
    return (a.score, a.normalized_score, a.model.external_id) == (
        b.score,
        b.normalized_score,
        b.model.external_id,
    )


def score_keys(
    resolved: Sequence[tuple[int, int, ScoreRecord]],
) -> list[tuple[tuple[int, int, str], ScoreRecord]]:
    """The stored key (model, benchmark, variant) of each resolved score record, in order.

    Two different ids of one source can resolve to one model (Epoch's `gpt-oss-120b_high` and
    `chutes/gpt-oss-120b_high`; Open LLM Leaderboard's `Qwen/Qwen2-72B-Instruct` and a re-upload
    under another owner). Within such a (model, benchmark, variant) group the plainest id
    (shortest, then alphabetical) keeps the source's variant; every other id gets
    `id=<external id>` appended, so each row keeps a key of its own that does not depend on
    the order of the rows. Records of the same id keep the same key (duplicates: see caller).
    """
    ids: dict[tuple[int, int, str], set[str]] = defaultdict(set)
    for model_id, bench_id, rec in resolved:
        ids[(model_id, bench_id, rec.variant)].add(rec.model.external_id)
    plainest = {key: min(names, key=lambda x: (len(x), x)) for key, names in ids.items()}
    out = []
    for model_id, bench_id, rec in resolved:
        variant = rec.variant
        if rec.model.external_id != plainest[(model_id, bench_id, variant)]:
            variant = f"{variant}, id={rec.model.external_id}".lstrip(", ")
        out.append(((model_id, bench_id, variant), rec))
    return out
