"""Which models are one model spelled differently, and which of them survives (pure, no I/O).

Two models of one organization whose names have the same `name_key` are one model:
dots, dashes, underscores, case, `llama3` vs `llama-3` and a leading vendor word
(`Meta-Llama-3.1-70B-Instruct` = `Llama-3.1-70B-Instruct`, see `identity.normalize_id`) do not
tell models apart. `catalog import` merges every such group (app/importers/spelling_merge.py).

The survivor, whose slug stays, is the model the most sources know: the most distinct sources
among its external ids, then the most external ids, then the oldest (lowest id). So the
spelling that survives is the one the sources use (rather than whichever came first), and a
model that sources already name keeps its name (a slug that clients use stays valid); every
other spelling still finds the model (`model(org, name)` falls back to `name_key`).

Only models of the same visibility are merged (a private model never joins a public one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from app.services.identity import normalize_id, spelling_key


def name_key(name: str) -> str:
    """What a model's name is, whatever its spelling (`llama-3-1-70b-instruct`,
    `llama-3.1-70b-instruct`, `Meta-Llama-3.1-70B-Instruct` -> `llama3-1-70b-instruct`)."""
    return spelling_key(normalize_id(name))


@dataclass(frozen=True)
class Candidate:
    id: int
    organization_id: int
    slug: str
    is_public: bool
    sources: int  # distinct sources among its external ids
    external_ids: int


@dataclass(frozen=True)
class Merge:
    survivor: Candidate
    absorbed: tuple[Candidate, ...]


def _rank(candidate: Candidate) -> tuple[int, int, int]:
    return (-candidate.sources, -candidate.external_ids, candidate.id)


def merge_plan(candidates: Iterable[Candidate]) -> list[Merge]:
    """One Merge per group of two or more models that are one, survivor first; in id order."""
    groups: dict[tuple[int, bool, str], list[Candidate]] = defaultdict(list)
    for c in candidates:
        groups[(c.organization_id, c.is_public, name_key(c.slug))].append(c)
    plan = []
    for members in groups.values():
        if len(members) > 1:
            ranked = sorted(members, key=_rank)
            plan.append(Merge(ranked[0], tuple(ranked[1:])))
    return sorted(plan, key=lambda m: m.survivor.id)
