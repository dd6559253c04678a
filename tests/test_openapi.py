"""`/openapi.json`: a valid OpenAPI 3.1 document generated from the REST route table, whose
schemas every REST answer of the demo catalog conforms to, and a bounded schemathesis run
against a real server (0 server errors, 0 answers that contradict the document).

`CATALOG_SCHEMATHESIS_EXAMPLES` sets the run's examples per operation (CI-sized default);
the README's "OpenAPI" section shows a run of more than 1,000 cases.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from openapi_spec_validator import validate

from app.rest.openapi import COMMON_STATUSES
from app.rest.routes import ROUTES
from app.rest.spec import path_template
from tests.http_support import running_server

SCHEMATHESIS_CONFIG = Path(__file__).resolve().parent / "schemathesis.toml"
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
    ]
)
EXAMPLES = int(os.environ.get("CATALOG_SCHEMATHESIS_EXAMPLES", "20"))


async def _document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


def _validator(document: dict[str, Any], component: str) -> jsonschema.Draft202012Validator:
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _problems(document: dict[str, Any], component: str, body: Any) -> list[str]:
    return [
        f"{list(e.absolute_path)}: {e.message}"
        for e in _validator(document, component).iter_errors(body)
    ]


async def test_the_document_validates_and_lists_every_route(client: httpx.AsyncClient) -> None:
    document = await _document(client)
    validate(document)  # raises on any OpenAPI 3.1 violation
    assert document["openapi"] == "3.1.0"
    assert set(document["paths"]) == {path_template(path) for path, _, _ in ROUTES}
    for path, item in document["paths"].items():
        operation = item["get"]
        assert operation["summary"] and operation["description"], path
        for parameter in operation["parameters"]:
            assert parameter["description"], (path, parameter["name"])
        statuses = {int(s) for s in operation["responses"] if s != "200"}
        assert statuses >= set(COMMON_STATUSES), path
        for status in statuses:
            content = operation["responses"][str(status)]["content"]
            assert content == {
                "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}
            }


async def test_path_parameters_come_from_the_route_templates(client: httpx.AsyncClient) -> None:
    document = await _document(client)
    marketplace = document["paths"]["/api/models/{model_id}/versions/{version}"]["get"]
    assert [(p["name"], p["in"]) for p in marketplace["parameters"][:2]] == [
        ("model_id", "path"),
        ("version", "path"),
    ]
    models = document["paths"]["/v1/models"]["get"]
    query = {p["name"]: p["schema"] for p in models["parameters"] if p["in"] == "query"}
    assert query["limit"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 20}
    assert "cursor" in query and "sort" in query


async def _all_models(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    models: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "200", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/models", params=params)).json()
        models += page["models"]
        cursor = page["next_cursor"]
        if cursor is None:
            return models


async def test_every_demo_answer_conforms_to_the_document(client: httpx.AsyncClient) -> None:
    """Each REST route over every model of the demo catalog (and each of their versions)."""
    document = await _document(client)
    problems: list[str] = []
    checked = 0

    async def check(url: str, component: str, status: int = 200) -> Any:
        nonlocal checked
        response = await client.get(url)
        assert response.status_code == status, (url, response.text)
        body = response.json()
        problems.extend(f"{url} {p}" for p in _problems(document, component, body))
        checked += 1
        return body

    page = await check("/v1/models?limit=200&sort=-price", "ModelList")
    assert page["models"]
    for model in await _all_models(client):
        await check(f"/v1/models/{model['id']}", "CatalogModel")
        org, _, name = model["id"].partition("/")
        registry = f"/api/v1/org/{org}/models/{name}"
        listing = await client.get(f"{registry}/versions")
        if listing.status_code == 404:
            continue
        versions = await check(f"{registry}/versions", "VersionList")
        if versions["latest"] is not None:
            await check(registry, "VersionDetail")
        refs = [v["version"] for v in versions["versions"]]
        for ref in refs:
            await check(f"{registry}/{ref}", "VersionDetail")
            await check(f"/api/models/{model['id']}/versions/{ref}", "MarketplaceVersion")
        if len(refs) >= 2:
            compare = f"{registry}/compare?versions={refs[0]}&versions={refs[-1]}"
            await check(compare, "VersionComparison")
    for url, status in [
        ("/v1/models?limit=0", 422),
        ("/v1/models/nobody/nothing", 404),
        ("/api/v1/org/meta/models/llama-chat-8b/compare?versions=1.0.0", 422),
        ("/api/v1/org/meta/models/llama-chat-8b/Not%20A%20Version", 400),
    ]:
        await check(url, "ErrorEnvelope", status)
    assert problems == []
    assert checked > 100


def test_schemathesis_finds_no_server_error_and_no_nonconforming_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The run sends thousands of requests from one address: no rate limit on this server.
    monkeypatch.setenv("CATALOG_RATE_LIMIT", "0")
    report = tmp_path / "report.json"
    with running_server(tmp_path) as base:
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "schemathesis.cli",
                "--config-file",
                str(SCHEMATHESIS_CONFIG),
                "run",
                f"{base}/openapi.json",
                "--checks",
                CHECKS,
                "--max-examples",
                str(EXAMPLES),
                "--seed",
                "20261202",
                "--workers",
                "2",
                "--generation-database",
                "none",
                "--no-color",
                "--report",
                "json",
                "--report-json-path",
                str(report),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=900,
        )
    summary = json.loads(report.read_text())
    assert summary["failures"] == [], run.stdout[-5000:]
    assert summary["errors"] == [], run.stdout[-5000:]
    assert run.returncode == 0, run.stdout[-5000:]
    cases = summary["test_cases"]
    assert cases["with_failures"] == 0
    assert cases["generated"] >= 10 * EXAMPLES, cases
    print(f"schemathesis: {cases['generated']} cases, {cases['with_failures']} with failures")
