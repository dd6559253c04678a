"""A bounded property-based fuzz of /graphql over the whole schema (hypothesis-graphql):
queries and mutations, valid and with one schema violation each, anonymous and with a writer
token, on SQLite and PostgreSQL. No answer may be a 5xx, carry `internal_error` or show driver
text, SQL or a traceback, and no request may leave a connection checked out (it found one:
sibling fields still reading after a non-null error ended the response, app/db/reads.py).

CI-sized by default (FUZZ_DEFAULT_CASES per database); `CATALOG_FUZZ_CASES=5000` runs that many
cases per database (split between the two callers) and prints the figures.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes

from app.settings import PROJECT_ROOT
from tests.access_support import Tokens

FUZZ_DEFAULT_CASES = 300
SCHEMA = (PROJECT_ROOT / "schema.graphql").read_text(encoding="utf-8")
LEAKS = re.compile(
    r"Traceback|sqlalchemy|sqlite3|asyncpg|psycopg|\bSELECT\b.+\bFROM\b|\[SQL:|127\.0\.0\.1:\d+"
)


def cases_per_database() -> int:
    return int(os.environ.get("CATALOG_FUZZ_CASES", FUZZ_DEFAULT_CASES))


def _big_ints() -> st.SearchStrategy[int]:
    edges = [0, -1, 1, 2**31 - 1, 2**31, -(2**31) - 1, 2**63 - 1, 2**63, -(2**63) - 1, 10**40]
    return st.one_of(st.sampled_from(edges), st.integers())


# Custom scalars: well-formed values and the kinds of wrong ones a client sends.
CUSTOM_SCALARS = {
    "BigInt": st.one_of(
        _big_ints().map(nodes.Int),
        _big_ints().map(nodes.String),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.text(max_size=30).map(nodes.String),
    ),
    "Date": st.one_of(st.dates().map(nodes.String), st.text(max_size=30).map(nodes.String)),
    "DateTime": st.one_of(
        st.datetimes().map(lambda d: nodes.String(d.isoformat() + "Z")),
        st.text(max_size=30).map(nodes.String),
    ),
    "JSON": st.one_of(
        st.integers().map(nodes.Int),
        st.text(max_size=30).map(nodes.String),
        st.booleans().map(nodes.Boolean),
        st.just(nodes.Null),
        st.lists(st.integers(min_value=-5, max_value=5).map(nodes.Int), max_size=4).map(nodes.List),
    ),
}


def documents() -> st.SearchStrategy[Any]:
    kinds = dict(custom_scalars=CUSTOM_SCALARS)
    return st.one_of(
        from_schema(SCHEMA, mode=Mode.POSITIVE, **kinds),  # type: ignore[arg-type]
        from_schema(SCHEMA, mode=Mode.NEGATIVE, **kinds),  # type: ignore[arg-type]
    )


@dataclass
class Tally:
    cases: int = 0
    server_errors: int = 0
    internal_errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def record(self, document: str, response: httpx.Response) -> None:
        self.cases += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        text = response.text
        problems = []
        if response.status_code >= 500:
            self.server_errors += 1
            problems.append(f"HTTP {response.status_code}")
        if '"internal_error"' in text:
            self.internal_errors += 1
            problems.append("internal_error")
        if LEAKS.search(text):
            problems.append("leaked internals")
        if "x-request-id" not in response.headers:
            problems.append("no X-Request-ID")
        if problems and len(self.failures) < 5:
            self.failures.append(f"{problems}: {document[:600]!r} -> {text[:600]}")


def fuzz(
    client: httpx.AsyncClient,
    loop: asyncio.AbstractEventLoop,
    headers: dict[str, str],
    cases: int,
    tally: Tally,
) -> None:
    """Runs `cases` documents (hypothesis, in this worker thread) against the app on `loop`."""

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(document=documents())
    def one(document: str) -> None:
        body = {"query": document}
        future = asyncio.run_coroutine_threadsafe(
            client.post("/graphql", content=json.dumps(body), headers=headers), loop
        )
        response = future.result(timeout=60)
        tally.record(document, response)

    one()


@pytest.mark.parametrize("caller", ["anonymous", "writer"])
async def test_fuzz_finds_no_server_error(caller, write_client, tokens, fresh_engine) -> None:
    headers = {"content-type": "application/json"}
    if caller == "writer":
        headers.update(Tokens.header(tokens.acme_writer))
    tally = Tally()
    cases = max(1, cases_per_database() // 2)
    loop = asyncio.get_running_loop()
    await asyncio.to_thread(fuzz, write_client, loop, headers, cases, tally)
    await asyncio.sleep(0.1)  # fields still running after their response settle
    assert fresh_engine.sync_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    backend = fresh_engine.dialect.name
    print(
        f"\nfuzz {backend} {caller}: {tally.cases} cases, {tally.server_errors} with status >= 500, "
        f"{tally.internal_errors} internal_error; statuses {sorted(tally.statuses.items())}"
    )
    assert tally.cases >= min(cases, 1)
    assert not tally.failures, "\n".join(tally.failures)
