"""The compiler's equivalence corpus: operations that both paths must answer alike.

Sources: every README example, every query of the peer benchmark with its variables, and a
seeded generator of operations over the compilable schema (random selections, aliases,
fragments, `@include`/`@skip` with variables, nested connections, filters, orderings, page
sizes, missing objects; cursors from earlier pages are taken from earlier answers by the test).
The same seed gives the same operations.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from typing import Any

from app.settings import PROJECT_ROOT

PEER_QUERIES = PROJECT_ROOT.parent / "shared" / "bench" / "peers" / "queries"


@dataclass
class Operation:
    query: str
    variables: dict[str, Any] = field(default_factory=dict)
    # Where to find cursors for follow-up pages: (path to the connection, its arguments).
    paged: list[tuple[tuple[str, ...], str]] = field(default_factory=list)

    def show(self) -> str:
        return f"query:\n{self.query}\nvariables: {json.dumps(self.variables)}"


def readme_operations() -> list[Operation]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```graphql\n(.*?)```", text, flags=re.S)
    return [Operation(b) for b in blocks if not b.lstrip().startswith(("mutation", "subscription"))]


def peer_operations() -> list[Operation]:
    """The harness's queries with every body it sends (deep = dashboard with cursors, which
    the test follows from the first page)."""
    if not PEER_QUERIES.is_dir():
        return []
    variables = json.loads((PEER_QUERIES / "variables.json").read_text())
    read = lambda name: (PEER_QUERIES / f"{name}.project.graphql").read_text()  # noqa: E731
    ops = [Operation(read("dashboard"), {}, [(("models",), "after")])]
    ops += [Operation(read("detail"), {"org": o, "name": n}) for o, n in variables["detail"]]
    ops += [Operation(read("compare"), {"org": o, "name": n}) for o, n in variables["compare"]]
    ops += [Operation(read("leaderboard"), {"benchmark": b}) for b in variables["leaderboard"]]
    return ops


@dataclass
class Catalog:
    """Slugs and names of the database the corpus runs on (to aim filters and lookups)."""

    models: list[tuple[str, str]]
    organizations: list[str]
    licenses: list[str]
    families: list[str]
    benchmarks: list[str]
    providers: list[str]
    tags: list[str]
    modalities: list[str]
    # Global ids for `node`: every compiled type, private objects, misses, other types.
    node_ids: list[str] = field(default_factory=list)


MODEL_SCALARS = [
    "id", "slug", "name", "canonicalName", "description", "openWeight", "modelType",
    "modalities", "task", "framework", "contextWindow", "paramCount", "releaseDate",
    "createdAt", "updatedAt", "source", "url", "downloadCount", "isPublic", "author",
    "permalink", "features", "isActive", "isRecommended", "isCommercial", "isExpired", "images",
    "__typename",
]  # fmt: skip
VERSION_SCALARS = [
    "id", "artifactId", "version", "name", "isPrerelease", "createdAt", "updatedAt",
    "framework", "architecture", "task", "baseModel", "datasetRefs", "tags", "fileSizeBytes",
    "downloadCount", "isPublic", "status", "isActive", "isAvailable", "sampleInput",
    "longDescription", "versionHistory", "sourceType", "__typename",
]  # fmt: skip
SCORE_SCALARS = [
    "id", "benchmarkId", "benchmarkName", "category", "score", "maxScore", "normalizedScore",
    "isSelfReported", "isVerified", "kind", "scoredAt", "source", "sourceUrl", "uncertainty",
]  # fmt: skip
ORGANIZATION_SCALARS = ["id", "slug", "name", "description", "url", "createdAt"]
LICENSE_SCALARS = ["id", "slug", "name", "allowCommercial", "url"]
BENCHMARK_SCALARS = ["id", "slug", "name", "category", "maxScore", "higherIsBetter", "url"]
PRICE_SCALARS = [
    "providerId", "providerName", "status", "inputPricePerM", "outputPricePerM", "validFrom",
    "validTo", "source", "sourceUrl",
]  # fmt: skip
ORDER_FIELDS = [
    "NAME", "RELEASE_DATE", "CREATED_AT", "DOWNLOADS", "PARAM_COUNT", "CONTEXT_WINDOW",
    "BENCHMARK_SCORE", "PRICE",
]  # fmt: skip
STATUSES = ["ACTIVE", "INACTIVE", "PARTIAL", "DELETED", "CANCELED", "REJECTED"]


class Generator:
    def __init__(self, seed: int, catalog: Catalog) -> None:
        self.random = random.Random(seed)
        self.catalog = catalog
        self.aliases = 0

    # -- small pieces -------------------------------------------------------------------

    def pick(self, items: list[Any], low: int = 1, high: int | None = None) -> list[Any]:
        high = len(items) if high is None else min(high, len(items))
        return self.random.sample(items, self.random.randint(min(low, high), high))

    def key(self, name: str) -> str:
        if self.aliases < 12 and self.random.random() < 0.08:
            self.aliases += 1
            return f"a{self.aliases}_{name}: {name}"
        return name

    def scalars(self, names: list[str], low: int = 1, high: int = 6) -> str:
        return " ".join(self.key(n) for n in self.pick(names, low, high))

    # -- selections -----------------------------------------------------------------------

    def version(self, depth: int) -> str:
        parts = [self.scalars(VERSION_SCALARS)]
        if self.random.random() < 0.4:
            parts.append(f"{self.key('files')} {{ {self.scalars(['path', 'oid', 'sizeBytes'])} }}")
        return " ".join(parts)

    def score(self) -> str:
        parts = [self.scalars(SCORE_SCALARS, 1, 5)]
        if self.random.random() < 0.6:
            parts.append(f"benchmark {{ {self.scalars(BENCHMARK_SCALARS, 1, 3)} }}")
        return " ".join(parts)

    def page_args(self, size_high: int = 30) -> list[str]:
        args = []
        roll = self.random.random()
        if roll < 0.7:
            args.append(f"first: {self.random.randint(0, size_high)}")
        elif roll < 0.85:
            args.append(f"last: {self.random.randint(1, size_high)}")
        elif roll < 0.9:
            args.append(f"first: {self.random.choice([101, -1])}")  # refused: same error
        return args

    def connection(self, node: str, paged: bool) -> str:
        parts = []
        if self.random.random() < 0.5:
            parts.append("totalCount")
        info = self.pick(["hasNextPage", "hasPreviousPage", "startCursor", "endCursor"], 1, 4)
        if paged:
            info = sorted(set(info) | {"startCursor", "endCursor"})
        if paged or self.random.random() < 0.7:
            parts.append(f"pageInfo {{ {' '.join(info)} }}")
        if self.random.random() < 0.8:
            cursor = "cursor " if paged or self.random.random() < 0.6 else ""
            parts.append(f"edges {{ {cursor}node {{ {node} }} }}")
        else:
            parts.append(f"nodes {{ {node} }}")
        if self.random.random() < 0.1:
            parts.append("__typename")
        return " ".join(parts)

    def model(self, depth: int, fragment: bool) -> str:
        parts = [self.scalars(MODEL_SCALARS, 1, 8)]
        r = self.random.random
        if r() < 0.6:
            parts.append(f"{self.key('organization')} {{ {self.scalars(['id', 'slug', 'name', 'description', 'url', 'createdAt'])} }}")  # fmt: skip
        if r() < 0.5:
            parts.append(f"license {{ {self.scalars(['id', 'slug', 'name', 'allowCommercial', 'url'])} }}")  # fmt: skip
        if r() < 0.4:
            parts.append(f"family {{ {self.scalars(['id', 'slug', 'name'])} }}")
        if r() < 0.2:
            parts.append(f"sources {{ {self.scalars(['apiRef', 'paper', 'weights', 'repo'])} }}")
        if r() < 0.5:
            name = self.random.choice(["latestVersion", "latestActiveVersion"])
            parts.append(f"{self.key(name)} {{ {self.version(depth)} }}")
        if r() < 0.5:
            limit = self.random.choice([1, 2, 3, 5, 10, 100, 0])
            parts.append(f"{self.key('topScores')}(limit: {limit}) {{ {self.score()} }}")
        if r() < 0.4:
            parts.append(f"providers {{ {self.scalars(PRICE_SCALARS, 1, 4)} }}")
        if r() < 0.3:
            parts.append(f"externalIds {{ {self.scalars(['source', 'id'])} }}")
        if depth < 2 and r() < 0.35:
            args = self.page_args(6)
            if r() < 0.3:
                args.append(f"status: [{', '.join(self.pick(STATUSES, 1, 3))}]")
            if r() < 0.2:
                args.append(f"includePrereleases: {self.random.choice(['true', 'false'])}")
            text = f"({', '.join(args)})" if args else ""
            parts.append(f"{self.key('versions')}{text} {{ {self.connection(self.version(depth + 1), False)} }}")  # fmt: skip
        if r() < 0.1:
            parts.append("name @include(if: $withName)")
        if r() < 0.1:
            parts.append("slug @skip(if: $withName)")
        if fragment:
            parts.append("...ModelBits")
        return " ".join(parts)

    def node(self, fragment: bool) -> str:
        """A `node` selection: the interface's fields and a fragment per type (some)."""
        parts = [self.scalars(["id", "__typename"], 0, 2)]
        kinds = {
            "Model": lambda: self.model(1, fragment),
            "ModelVersion": lambda: (
                self.version(1) + (" model { name slug }" if self.random.random() < 0.5 else "")
            ),
            "Organization": lambda: self.scalars(ORGANIZATION_SCALARS),
            "License": lambda: self.scalars(LICENSE_SCALARS),
            "Family": lambda: self.scalars(["id", "slug", "name"]),
            "Benchmark": lambda: self.scalars(BENCHMARK_SCALARS),
        }
        for type_name in self.pick(list(kinds), 1, 4):
            parts.append(f"... on {type_name} {{ {kinds[type_name]()} }}")
        return " ".join(p for p in parts if p)

    def model_filter(self) -> dict[str, Any]:
        c = self.catalog
        choices: list[tuple[str, Any]] = [
            ("search", lambda: self.random.choice(["llama", "gpt", "a", "instruct", "zebra", "ZZZ"])),
            ("openWeight", lambda: self.random.choice([True, False])),
            ("allowCommercial", lambda: self.random.choice([True, False])),
            ("organization", lambda: self.random.choice([*c.organizations, "nope"])),
            ("license", lambda: self.random.choice([*c.licenses, "nope"])),
            ("family", lambda: self.random.choice([*c.families, "nope"])),
            ("provider", lambda: self.random.choice([*c.providers, "nope"])),
            ("hasBenchmark", lambda: self.random.choice(c.benchmarks)),
            ("tag", lambda: self.random.choice(c.tags or ["none"])),
            ("modality", lambda: self.random.choice(c.modalities or ["text"])),
            ("contextWindow", lambda: {"min": self.random.choice([0, 8000, 100000])}),
            ("paramCount", lambda: {"max": self.random.choice([10**9, 10**10, 10**12])}),
            ("inputPricePerM", lambda: {"max": self.random.choice([0.5, 1.0, 5.0])}),
            ("releaseDate", lambda: {"from": self.random.choice(["2023-01-01", "2024-06-01"])}),
        ]  # fmt: skip
        return {name: make() for name, make in self.pick(choices, 1, 3)}

    def model_order(self) -> dict[str, Any]:
        order: dict[str, Any] = {"field": self.random.choice(ORDER_FIELDS)}
        if self.random.random() < 0.5:
            order["direction"] = self.random.choice(["ASC", "DESC"])
        if order["field"] == "BENCHMARK_SCORE" and self.random.random() < 0.95:
            order["benchmark"] = self.random.choice(self.catalog.benchmarks)
        return order

    # -- operations ---------------------------------------------------------------------

    def operation(self) -> Operation:
        self.aliases = 0
        fragment = self.random.random() < 0.15
        variables: dict[str, Any] = {"withName": self.random.random() < 0.5}
        roots: list[str] = []
        paged: list[tuple[tuple[str, ...], str]] = []
        for index in range(self.random.choice([1, 1, 1, 2])):
            key = f"r{index}"
            if self.random.random() < 0.6:
                args = self.page_args()
                if self.random.random() < 0.6:
                    variables[f"f{index}"] = self.model_filter()
                    args.append(f"filter: $f{index}")
                if self.random.random() < 0.6:
                    variables[f"o{index}"] = self.model_order()
                    args.append(f"orderBy: $o{index}")
                direction = "before" if any(a.startswith("last") for a in args) else "after"
                args.append(f"{direction}: $c{index}")
                variables[f"c{index}"] = None
                paged.append(((key,), direction))
                body = self.connection(self.model(1, fragment), True)
                roots.append(f"{key}: models({', '.join(args)}) {{ {body} }}")
            elif self.random.random() < 0.3:
                args = self.page_args(20)
                slug = self.random.choice([*self.catalog.benchmarks, "no-such-benchmark"])
                variables[f"bench{index}"] = slug
                args.append(f"benchmark: $bench{index}")
                if self.random.random() < 0.4:
                    board = self.random.choice([
                        {"openWeight": True}, {"allowCommercial": False},
                        {"organization": self.random.choice(self.catalog.organizations)},
                        {"maxBlendedPricePerM": 2.0}, {"kind": "SELF_REPORTED"},
                        {"maxInputPricePerM": 1.0, "inputOutputRatio": 1.5},
                    ])  # fmt: skip
                    args.append(f"filter: {_literal(board)}")
                entry = [self.scalars(["rank", "normalizedScore"], 1, 2)]
                if self.random.random() < 0.7:
                    entry.append(f"score {{ {self.score()} }}")
                if self.random.random() < 0.7:
                    entry.append(f"model {{ {self.model(2, False)} }}")
                body = self.connection(" ".join(entry), False)
                roots.append(f"{key}: leaderboard({', '.join(args)}) {{ {body} }}")
            elif self.random.random() < 0.2:
                org, name = self.random.choice(self.catalog.models)
                variables[f"org{index}"], variables[f"name{index}"] = org, name
                parts = self.pick(["name", "metricKeys", "versions", "metrics"], 1, 4)
                text = " ".join(
                    f"versions {{ {self.version(2)} }}" if p == "versions"
                    else f"metrics {{ {self.scalars(['key', 'values'], 1, 2)} }}"
                    if p == "metrics" else p
                    for p in parts
                )  # fmt: skip
                roots.append(f"{key}: compareVersions(org: $org{index}, name: $name{index}) {{ {text} }}")  # fmt: skip
            elif self.catalog.node_ids and self.random.random() < 0.25:
                variables[f"id{index}"] = self.random.choice(self.catalog.node_ids)
                roots.append(f"{key}: node(id: $id{index}) {{ {self.node(fragment)} }}")
            else:
                org, name = self.random.choice(self.catalog.models)
                if self.random.random() < 0.15:
                    name = name + "-missing"
                variables[f"org{index}"], variables[f"name{index}"] = org, name
                roots.append(
                    f"{key}: model(org: $org{index}, name: $name{index}) "
                    f"{{ {self.model(1, fragment)} }}"
                )
        fragment_text = (
            f"fragment ModelBits on Model {{ {self.scalars(MODEL_SCALARS, 1, 3)} }}\n"
            if fragment
            else ""
        )
        used = "\n".join(roots) + fragment_text
        if "$withName" not in used:
            del variables["withName"]
        declared = ["$withName: Boolean!"] if "withName" in variables else []
        for name in variables:
            if name.startswith("f"):
                declared.append(f"${name}: ModelFilter")
            elif name.startswith("o") and not name.startswith("org"):
                declared.append(f"${name}: ModelOrder")
            elif name.startswith("c"):
                declared.append(f"${name}: String")
            elif name.startswith("id"):
                declared.append(f"${name}: ID!")
            elif name.startswith("bench") or name.startswith(("org", "name")):
                declared.append(f"${name}: String!")
        signature = f"({', '.join(declared)})" if declared else ""
        text = f"query Generated{signature} {{\n  " + "\n  ".join(roots) + "\n}\n" + fragment_text
        return Operation(text, variables, paged)


def _literal(value: dict[str, Any]) -> str:
    """A GraphQL input object literal (enum values unquoted)."""
    parts = []
    for key, item in value.items():
        text = item if key == "kind" else json.dumps(item)
        parts.append(f"{key}: {text}")
    return "{" + ", ".join(parts) + "}"


def cursor_followups(operation: Operation, data: dict[str, Any] | None) -> list[Operation]:
    """The next (or previous) page of each paged root, with the cursor an answer gave."""
    followups = []
    if not data:
        return followups
    for path, direction in operation.paged:
        value: Any = data
        for part in path:
            value = value.get(part) if isinstance(value, dict) else None
        info = value.get("pageInfo") if isinstance(value, dict) else None
        if not info:
            continue
        cursor = info.get("endCursor") if direction == "after" else info.get("startCursor")
        if cursor is None:
            continue
        variables = dict(operation.variables)
        name = _cursor_variable(operation, path)
        variables[name] = cursor
        followups.append(Operation(operation.query, variables, []))
    return followups


def _cursor_variable(operation: Operation, path: tuple[str, ...]) -> str:
    if path == ("models",):
        return "after"
    return "c" + path[0][1:]


def load_readme_and_peers() -> list[Operation]:
    return readme_operations() + peer_operations()


__all__ = ["Catalog", "Generator", "Operation", "cursor_followups", "load_readme_and_peers"]
