"""What an import run did: counts per kind of row, skipped rows with their reasons, notes."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.importers.records import Problem
from app.seed.upsert import Tally

KINDS = (
    "organizations",
    "licenses",
    "benchmarks",
    "providers",
    "models",
    "external_ids",
    "scores",
    "prices",
    "versions",
)

EXIT_OK = 0
EXIT_SKIPPED = 1  # the run was written, but some rows were skipped (see the report)
EXIT_UNREADABLE = 2  # a file could not be parsed: nothing was written
EXIT_USAGE = 3  # unknown source or missing path
EXIT_DATABASE = 4  # the database refused the run (e.g. not migrated): nothing was written


@dataclass
class ImportReport:
    source: str
    path: str
    tallies: dict[str, Tally] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def tally(self, kind: str) -> Tally:
        return self.tallies.setdefault(kind, Tally())

    def total(self, what: str) -> int:
        return sum(t[what] for t in self.tallies.values())

    @property
    def changed(self) -> bool:
        return self.total("created") > 0 or self.total("updated") > 0

    @property
    def exit_code(self) -> int:
        return EXIT_SKIPPED if self.problems else EXIT_OK

    def lines(self) -> list[str]:
        out = [f"import {self.source} from {self.path}"]
        width = max(len(k) for k in KINDS)
        out.append(f"  {'':<{width}}  {'created':>8} {'updated':>8} {'unchanged':>9}")
        for kind in KINDS:
            t = self.tallies.get(kind)
            if t is None or not any(t.values()):
                continue
            out.append(
                f"  {kind:<{width}}  {t['created']:>8} {t['updated']:>8} {t['unchanged']:>9}"
            )
        for note in self.notes:
            out.append(f"  note: {note}")
        if self.problems:
            out.append(f"  skipped {len(self.problems)}:")
            out.extend(f"    {p.location}: {p.reason}" for p in self.problems)
        else:
            out.append("  skipped 0")
        if not self.changed:
            out.append("  nothing changed (already up to date)")
        return out
