"""Bulk export: `GET /v1/export/{kind}.{format}` and `catalog export`.

Row counts equal the catalog's own (GraphQL) counts; visibility is the service's; `as_of`
selects prices in effect, scores dated, models released and versions published by the end of
the day; batches keep memory flat (statements grow with batches, never with rows held);
errors are envelopes (REST) and one line with a documented status (CLI). The full imported
data is exported in tests/importers/test_all_sources.py.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from app.auth import ANONYMOUS
from app.cli import main
from app.db.engine import create_read_sessionmaker
from app.repositories import exports
from app.repositories.exports import ExportQuery
from app.services import export_format
from app.services.export_format import COLUMNS, KINDS
from tests.access_support import Tokens
from tests.conftest import count_statements, gql
from tests.export_support import catalog_counts, export, read_rows
from tests.test_leak_probe import build_private_world

FORMATS = ["jsonl", "csv"]

# --- formats (pure) ----------------------------------------------------------------------


def test_csv_cells_and_json_values() -> None:
    row = {column: None for column in COLUMNS["models"]}
    row |= {
        "model": "a/b",
        "name": 'Quote "and", comma',
        "description": "two\nlines",
        "open_weight": True,
        "modalities": ["text", "image"],
        "context_window": 128000,
        "release_date": date(2024, 5, 13),
        "created_at": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    text = export_format.csv_header("models") + export_format.csv_lines("models", [row])
    parsed = list(csv.DictReader(io.StringIO(text, newline="")))
    assert parsed[0]["name"] == 'Quote "and", comma'
    assert parsed[0]["description"] == "two\nlines"
    assert parsed[0]["open_weight"] == "true" and parsed[0]["license"] == ""
    assert json.loads(parsed[0]["modalities"]) == ["text", "image"]
    assert parsed[0]["created_at"] == "2024-01-02T03:04:05Z"
    line = json.loads(export_format.jsonl_lines("models", [row]))
    assert list(line) == list(COLUMNS["models"])
    assert line["release_date"] == "2024-05-13" and line["license"] is None
    assert line["context_window"] == 128000 and line["modalities"] == ["text", "image"]


def test_as_of_is_the_end_of_the_day_in_utc() -> None:
    moment = export_format.as_of_moment(date(2025, 6, 1))
    assert moment.tzinfo is UTC
    assert moment < datetime(2025, 6, 2, tzinfo=UTC) <= moment + timedelta(microseconds=1)
    assert export_format.as_of_moment(date.max).year == 9999


# --- REST --------------------------------------------------------------------------------


@pytest.mark.parametrize("format_", FORMATS)
async def test_row_counts_equal_the_catalogs(client: httpx.AsyncClient, format_: str) -> None:
    counts = await catalog_counts(client)
    assert min(counts.values()) > 0, counts
    for kind in KINDS:
        rows = await export(client, kind, format_)
        assert len(rows) == counts[kind], kind


async def test_headers_of_a_streamed_export(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/export/prices.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="prices.csv"'
    assert response.headers["x-request-id"] and response.headers["x-api-version"] == "1"
    assert response.text.startswith(",".join(COLUMNS["prices"]) + "\r\n")
    jsonl = await client.get("/v1/export/models.jsonl")
    assert jsonl.headers["content-type"] == "application/x-ndjson"


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/v1/export/weights.csv", 404, "not_found"),
        ("/v1/export/models.xlsx", 404, "not_found"),
        ("/v1/export/models.csv?as_of=2025-02-30", 422, "validation_error"),
        ("/v1/export/models.csv?as_of=2025-01-01&as_of=2025-01-02", 422, "validation_error"),
        ("/v1/export/models.csv?since=2025-01-01", 422, "validation_error"),
    ],
)
async def test_bad_requests_are_envelopes(
    client: httpx.AsyncClient, url: str, status: int, kind: str
) -> None:
    response = await client.get(url)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == status and body["type"] == kind
    assert body["requestId"] == response.headers["x-request-id"]


async def test_as_of_selects_what_was_known_then(client: httpx.AsyncClient) -> None:
    everything = {kind: await export(client, kind, "jsonl") for kind in KINDS}
    day = "2024-06-30"
    known = {kind: await export(client, kind, "jsonl", query=f"?as_of={day}") for kind in KINDS}
    end = f"{day}T23:59:59.999999Z"
    assert known["scores"] == [
        s for s in everything["scores"] if s["scored_at"] is not None and s["scored_at"] <= end
    ]
    assert 0 < len(known["scores"]) < len(everything["scores"])
    assert known["models"] == [
        m
        for m in everything["models"]
        if (m["release_date"] or "9999") <= day
        or (not m["release_date"] and m["created_at"] <= end)
    ]
    assert 0 < len(known["models"]) < len(everything["models"])
    assert known["versions"] == [v for v in everything["versions"] if v["created_at"] <= end]
    # The demo catalog's prices all start on 2024-01-01.
    assert len(known["prices"]) == len(everything["prices"])
    assert await export(client, "prices", "csv", query="?as_of=2023-12-31") == []


async def test_as_of_follows_the_price_history(
    write_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    mutation = """mutation { setPricing(input: {provider: "openai", org: "openai", name: "gpt-4o",
        inputPricePerM: 1.25, outputPricePerM: 5}) { providerId } }"""
    body = await gql(write_client, mutation, headers=Tokens.header(tokens.acme_admin))
    assert "errors" not in body, body

    def gpt4o(rows: list[dict]) -> list[tuple]:
        return [
            (r["input_price_per_m"], r["valid_to"] is None)
            for r in rows
            if r["model"] == "openai/gpt-4o" and r["provider"] == "openai"
        ]

    today = datetime.now(UTC).date()
    now = await export(write_client, "prices", "jsonl")
    assert gpt4o(now) == [(1.25, True)]
    before = await export(write_client, "prices", "jsonl", query=f"?as_of={today - timedelta(1)}")
    assert gpt4o(before) == [(2.5, False)]
    assert gpt4o(await export(write_client, "prices", "jsonl", query=f"?as_of={today}")) == [
        (1.25, True)
    ]


async def test_visibility_anonymous_public_only_a_token_its_own_org_too(
    write_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    await build_private_world(write_client, tokens)
    acme = Tokens.header(tokens.acme_reader)
    globex = Tokens.header(tokens.globex_writer)
    for format_ in FORMATS:
        for kind in KINDS:
            public = await export(write_client, kind, format_)
            own = await export(write_client, kind, format_, acme)
            other = await export(write_client, kind, format_, globex)
            assert not any(r["model"] == "acme/secret" for r in public + other), kind
            assert other == public, kind
            assert any(r["model"] == "acme/secret" for r in own), kind
    versions = {(r["model"], r["version"]) for r in await export(write_client, "versions", "csv")}
    assert ("acme/mixed", "1.0.0") in versions and ("acme/mixed", "2.0.0") not in versions
    counts = await catalog_counts(write_client, acme)
    for kind in KINDS:
        assert len(await export(write_client, kind, "jsonl", acme)) == counts[kind], kind


# --- batches -----------------------------------------------------------------------------


async def test_batches_bound_rows_held_and_statements(seeded_engine: AsyncEngine) -> None:
    sessions = create_read_sessionmaker(seeded_engine)
    query = ExportQuery("scores", ANONYMOUS)
    async with sessions() as session:
        total = await exports.count(session, query)
        with count_statements(seeded_engine) as counter:
            sizes = [len(batch) async for batch in exports.batches(session, query, size=7)]
    assert sum(sizes) == total and max(sizes) == 7
    assert counter.count == len(sizes) == -(-total // 7)  # one statement per batch
    assert all("LIMIT" in s.upper() for s in counter.statements)


# --- CLI ---------------------------------------------------------------------------------


@pytest.fixture
def catalog_env(seeded_template: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", seeded_template)
    return seeded_template


@pytest.mark.parametrize("format_", FORMATS)
def test_cli_writes_the_same_rows_as_rest(
    catalog_env: str, tmp_path: Path, format_: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in KINDS:
        target = tmp_path / f"{kind}.{format_}"
        assert main(["export", kind, "--format", format_, "-o", str(target)]) == 0
        rows = read_rows(kind, format_, target.read_text(encoding="utf-8"))
        assert f"{len(rows)} {kind} written to {target}" in capsys.readouterr().err
        assert not (tmp_path / f"{kind}.{format_}.partial").exists()
        assert main(["export", kind, "--format", format_]) == 0
        assert read_rows(kind, format_, capsys.readouterr().out) == rows


def test_cli_progress_bar_only_when_asked_off_a_tty(
    catalog_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "scores.csv")
    assert main(["export", "scores", "--format", "csv", "-o", out]) == 0
    assert "[" not in capsys.readouterr().err
    assert main(["export", "scores", "--format", "csv", "-o", out, "--progress"]) == 0
    err = capsys.readouterr().err
    assert "[##############################] scores" in err


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["export", "weights", "--format", "csv"], 2, "invalid choice: 'weights'"),
        (["export", "models", "--format", "xml"], 2, "invalid choice: 'xml'"),
        (["export", "models", "--format", "csv", "--as-of", "2025-02-30"], 2, "not a date"),
        (["export", "models", "--format", "csv", "-o", "/nonexistent/x.csv"], 3, "cannot write"),
        (["export", "models", "--format", "csv", "--org", "nobody"], 3, "no organization"),
    ],
)
def test_cli_mistakes_are_one_line_with_their_status(
    catalog_env: str, capsys: pytest.CaptureFixture[str], argv: list[str], status: int, message: str
) -> None:
    assert main(argv) == status
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    if status != 2:  # argparse's usage text is its own
        assert err.count("\n") == 1 and err.startswith("catalog export: ")


def test_cli_on_a_database_never_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'none.db'}")
    assert main(["export", "models", "--format", "csv"]) == 6
    assert "catalog db upgrade" in capsys.readouterr().err
