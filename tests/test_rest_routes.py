"""REST compatibility over the demo catalog: the seed pages' shapes, errors and statement counts.

Runs on SQLite and PostgreSQL (the `client`/`write_client` fixtures).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.access_support import Tokens
from tests.conftest import count_statements, gql
from tests.rest_seed_pages import seed_example, shape_problems

ENVELOPE_KEYS = {"code", "type", "detail", "requestId"}


async def get_ok(client: httpx.AsyncClient, url: str, **kwargs: Any) -> Any:
    response = await client.get(url, **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["x-api-version"] == "1"
    return response.json()


async def get_error(
    client: httpx.AsyncClient, url: str, status: int, kind: str, **kwargs: Any
) -> dict[str, Any]:
    response = await client.get(url, **kwargs)
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) >= ENVELOPE_KEYS, body
    assert body["code"] == status and body["type"] == kind, body
    assert body["requestId"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text and "SELECT" not in response.text
    return body


# --- seed shapes ------------------------------------------------------------------------


async def test_compare_has_the_seed_000_shape(client: httpx.AsyncClient) -> None:
    body = await get_ok(
        client, "/api/v1/org/huggingface/models/zephyr-7b/compare?versions=latest,staging"
    )
    assert shape_problems(seed_example("000"), body) == []
    assert body["name"] == "huggingface/zephyr-7b"
    assert [v["version"] for v in body["versions"]] == ["1.0.0-beta", "1.0.0-beta"]
    assert body["metric_keys"] == sorted(body["versions"][0]["metrics"])


async def test_compare_metric_keys_are_the_union_in_the_order_asked(
    client: httpx.AsyncClient,
) -> None:
    url = "/api/v1/org/meta/models/llama-chat-8b/compare?versions=3.0.0&versions=latest"
    body = await get_ok(client, url)
    assert [v["version"] for v in body["versions"]] == ["3.0.0", "3.1.0"]
    union = set(body["versions"][0]["metrics"]) | set(body["versions"][1]["metrics"])
    assert body["metric_keys"] == sorted(union)
    assert {"mgsm", "bfcl"} <= set(body["metric_keys"]) - set(body["versions"][0]["metrics"])


async def test_versions_have_the_seed_001_shape(client: httpx.AsyncClient) -> None:
    body = await get_ok(client, "/api/v1/org/meta/models/llama-chat-8b/versions")
    assert shape_problems(seed_example("001"), body) == []
    assert body["name"] == "meta/llama-chat-8b"
    # The seed page documents these summary fields (and `versions`, newest first).
    for summary in [body["latest"], *body["versions"]]:
        assert {
            "created_at",
            "download_count",
            "framework",
            "id",
            "is_public",
            "name",
            "origin",
            "version",
        } <= set(summary)
        assert isinstance(summary["download_count"], int)
        assert isinstance(summary["origin"], dict)
    assert [v["version"] for v in body["versions"]] == ["3.1.0", "3.0.0", "2.0.0"]
    assert body["latest"]["version"] == "3.1.0"


async def test_latest_has_the_seed_002_shape(client: httpx.AsyncClient) -> None:
    body = await get_ok(client, "/api/v1/org/meta/models/llama-chat-8b")
    assert shape_problems(seed_example("002"), body) == []
    assert body["version"] == "3.1.0" and body["name"] == "meta/llama-chat-8b"
    assert body["created_at"] == "2024-07-23T21:29:44Z"
    assert isinstance(body["id"], str) and len(body["id"]) == 36
    assert body["artifacts"] and all(
        oid.startswith("sha256:") for oid in body["artifacts"].values()
    )
    assert isinstance(body["file_size_bytes"], int) and body["file_size_bytes"] > 2**32


async def test_version_by_string_or_alias(client: httpx.AsyncClient) -> None:
    by_alias = await get_ok(client, "/api/v1/org/meta/models/llama-chat-8b/production")
    by_version = await get_ok(client, "/api/v1/org/meta/models/llama-chat-8b/3.0.0")
    assert by_alias == by_version
    assert shape_problems(seed_example("002"), by_version) == []
    assert by_version["version"] == "3.0.0"


SEED_003_NULLABLE = frozenset({"$.family", "$.context_window", "$.param_count", "$.release_date"})


async def test_model_has_the_seed_003_shape(client: httpx.AsyncClient) -> None:
    body = await get_ok(client, "/v1/models/deepseek/deepseek-v3")
    assert shape_problems(seed_example("003"), body) == []
    assert body["id"] == "deepseek/deepseek-v3"
    assert body["created_at"].endswith("Z") and body["release_date"] == "2024-12-26"
    for key in ("context_window", "param_count"):
        assert isinstance(body[key], int)
    assert body["top_scores"] and all(isinstance(v, float) for v in body["top_scores"].values())
    assert {s["benchmark_id"] for s in body["scores"]} == set(body["top_scores"])
    # A bare slug names the same model when it is unambiguous.
    assert await get_ok(client, "/v1/models/deepseek-v3") == body


async def test_every_listed_model_has_every_seed_003_key(client: httpx.AsyncClient) -> None:
    body = await get_ok(client, "/v1/models?limit=200")
    assert set(body) == {"models", "total", "next_cursor"}
    assert body["total"] == len(body["models"]) == 41 and body["next_cursor"] is None
    example = seed_example("003")
    for model in body["models"]:
        # Beyond the seed's nullable fields, the demo catalog leaves unsourced facts out.
        nullable = SEED_003_NULLABLE | {f"$.sources.{k}" for k in example["sources"]}
        problems = [
            p
            for p in shape_problems(example, model, nullable=nullable)
            if not p.endswith("empty, cannot check the element shape")
        ]
        assert problems == [], model["id"]


async def test_marketplace_version_has_the_seed_004_shape(client: httpx.AsyncClient) -> None:
    body = await get_ok(client, "/api/models/meta/llama-chat-8b/versions/3.1.0")
    assert (
        shape_problems(seed_example("004"), body, nullable=frozenset({"$.model.createdByEmail"}))
        == []
    )
    assert body["status"] == "active" and body["isActive"] is True
    assert body["model"]["modelId"] == "meta/llama-chat-8b"
    assert body["model"]["versions"] == ["3.1.0", "3.0.0", "2.0.0"]
    assert body["model"]["latestVersion"] == "3.1.0"
    assert body["loadStatus"]["percentage"] == body["containerImage"]["loadPercentage"]
    assert isinstance(body["runStatus"]["result"]["results.json"], dict)
    # The bare slug and an alias reach the same version.
    assert await get_ok(client, "/api/models/llama-chat-8b/versions/latest") == body


# --- /v1/models filters and paging ------------------------------------------------------


async def test_model_list_filters_sort_and_cursor(client: httpx.AsyncClient) -> None:
    body = await get_ok(
        client,
        "/v1/models?organization=meta&open_weight=true&sort=-release_date&limit=2",
    )
    assert len(body["models"]) == 2 and body["next_cursor"]
    dates = [m["release_date"] for m in body["models"]]
    assert dates == sorted(dates, reverse=True)
    assert all(m["organization"]["id"] == "meta" and m["open_weight"] for m in body["models"])
    rest = await get_ok(
        client,
        "/v1/models?organization=meta&open_weight=true&sort=-release_date&limit=200"
        f"&cursor={body['next_cursor']}",
    )
    assert rest["total"] == body["total"] == 2 + len(rest["models"])
    assert not {m["id"] for m in rest["models"]} & {m["id"] for m in body["models"]}

    cheap = await get_ok(client, "/v1/models?max_input_price=0.1&min_context=100000")
    assert cheap["models"]
    for model in cheap["models"]:
        assert model["context_window"] >= 100000
        assert min(p["input_price_per_m"] for p in model["providers"]) <= 0.1

    window = await get_ok(
        client, "/v1/models?released_after=2024-05-13&released_before=2024-07-18&limit=200"
    )
    assert window["models"]
    assert all("2024-05-13" < m["release_date"] < "2024-07-18" for m in window["models"])


async def test_model_list_statement_count_does_not_grow_with_limit(
    client: httpx.AsyncClient, seeded_engine: AsyncEngine
) -> None:
    counts = {}
    for limit in (1, 5, 41):
        with count_statements(seeded_engine) as counter:
            body = await get_ok(client, f"/v1/models?limit={limit}")
        assert len(body["models"]) == limit
        counts[limit] = counter.count
    assert counts[1] == counts[5] == counts[41], counts


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/org/meta/models/nope",
        "/api/v1/org/nope/models/llama-chat-8b/versions",
        "/api/v1/org/meta/models/llama-chat-8b/9.9.9",
        "/api/v1/org/meta/models/nope/compare?versions=1.0.0,2.0.0",
        "/v1/models/nope/nope",
        "/v1/models/no-such-model",
        "/api/models/meta/llama-chat-8b/versions/9.9.9",
        "/api/v2/elsewhere",
    ],
)
async def test_unknown_things_are_404(client: httpx.AsyncClient, url: str) -> None:
    await get_error(client, url, 404, "not_found")


@pytest.mark.parametrize("versions", ["3.0.0", "1,2,3,4,5,6", "", "3.0.0&versions=,"])
async def test_compare_needs_two_to_five_versions(client: httpx.AsyncClient, versions: str) -> None:
    url = f"/api/v1/org/meta/models/llama-chat-8b/compare?versions={versions}"
    body = await get_error(client, url, 422, "validation_error")
    assert body["errors"][0]["loc"] == ["query", "versions"]


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("limit=201", "limit"),
        ("limit=500", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("open_weight=maybe", "open_weight"),
        ("released_after=2024-13-01", "released_after"),
        ("released_before=yesterday", "released_before"),
        ("sort=popularity", "sort"),
        ("max_input_price=cheap", "max_input_price"),
        ("max_output_price=-1", "max_output_price"),
        ("min_context=-5", "min_context"),
        ("colour=red", "colour"),
        ("limit=1&limit=2", "limit"),
    ],
)
async def test_bad_list_parameters_are_422(client: httpx.AsyncClient, query: str, bad: str) -> None:
    body = await get_error(client, f"/v1/models?{query}", 422, "validation_error")
    assert [e["loc"] for e in body["errors"]] == [["query", bad]]


async def test_bad_cursor_and_unknown_benchmark_sort(client: httpx.AsyncClient) -> None:
    await get_error(client, "/v1/models?cursor=not-a-cursor", 400, "invalid_request")
    ordered = await get_ok(client, "/v1/models?sort=-score:mmlu&limit=3")
    assert len(ordered["models"]) == 3
    # A cursor from one ordering is refused under another.
    page = await get_ok(client, "/v1/models?sort=name&limit=1")
    await get_error(
        client, f"/v1/models?sort=-release_date&cursor={page['next_cursor']}", 400,
        "invalid_request",
    )  # fmt: skip


async def test_bad_version_reference_is_400(client: httpx.AsyncClient) -> None:
    await get_error(client, "/api/v1/org/meta/models/llama-chat-8b/Not%20A%20Ref!", 400,
                    "invalid_request")  # fmt: skip


@pytest.mark.parametrize("header", ["X-API-Version", "Accept-Version"])
async def test_api_version_header(client: httpx.AsyncClient, header: str) -> None:
    url = "/api/v1/org/meta/models/llama-chat-8b"
    for ok in ("1", "1.0", "v1"):
        await get_ok(client, url, headers={header: ok})
    body = await get_error(client, url, 426, "upgrade_required", headers={header: "0"})
    assert "no longer supported" in body["detail"]
    await get_error(client, url, 426, "upgrade_required", headers={header: "0.9"})
    await get_error(client, url, 400, "invalid_request", headers={header: "latest!"})
    await get_error(client, url, 400, "invalid_request", headers={header: "7"})


async def test_bad_token_is_401(client: httpx.AsyncClient) -> None:
    for header in ("Bearer nope", "Basic abc", "Bearer mcat_" + "x" * 43):
        response = await client.get("/v1/models", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["type"] == "authentication_error"


# --- visibility ---------------------------------------------------------------------------


async def test_private_models_are_invisible_to_others(
    write_client: httpx.AsyncClient, tokens: Tokens
) -> None:
    writer = Tokens.header(tokens.acme_writer)
    created = await gql(
        write_client,
        """mutation { createModel(input: {organization: "acme", slug: "secret",
        name: "Secret", isPublic: false}) { slug } }""",
        headers=writer,
    )
    assert "errors" not in created, created
    published = await gql(
        write_client,
        """mutation { publishVersion(input: {org: "acme", name: "secret", version: "1.0.0",
        files: [{path: "w.bin", oid: "%s", sizeBytes: 10}], aliases: ["latest"]}) { id } }"""
        % ("ab" * 32),
        headers=writer,
    )
    assert "errors" not in published, published
    urls = [
        "/api/v1/org/acme/models/secret",
        "/api/v1/org/acme/models/secret/versions",
        "/api/v1/org/acme/models/secret/1.0.0",
        "/api/v1/org/acme/models/secret/compare?versions=1.0.0,latest",
        "/v1/models/acme/secret",
        "/v1/models/secret",
        "/api/models/acme/secret/versions/1.0.0",
    ]
    reader = Tokens.header(tokens.acme_reader)
    other = Tokens.header(tokens.globex_writer)
    for url in urls:
        await get_error(write_client, url, 404, "not_found")
        await get_error(write_client, url, 404, "not_found", headers=other)
        await get_ok(write_client, url, headers=reader)
    latest = await get_ok(write_client, urls[0], headers=reader)
    assert latest["is_public"] is False and latest["version"] == "1.0.0"
    anonymous = await get_ok(write_client, "/v1/models?organization=acme")
    assert anonymous["models"] == [] and anonymous["total"] == 0
    own = await get_ok(write_client, "/v1/models?organization=acme", headers=reader)
    assert [m["id"] for m in own["models"]] == ["acme/secret"] and own["total"] == 1
    await get_error(write_client, urls[0], 401, "authentication_error",
                    headers=Tokens.header(tokens.revoked))  # fmt: skip


@pytest.mark.parametrize(
    "url",
    [
        "/v1/models?organization=%00x",
        "/v1/models?search=x",
        "/v1/models?max_input_price=1e308",
        "/v1/models?cursor=%00%FF",
        "/v1/models/%00",
        "/v1/models/a%00b",
        "/api/v1/org/%00/models/x",
        "/api/v1/org/meta/models/llama-chat-8b/%00",
        "/api/v1/org/meta/models/llama-chat-8b/compare?versions=a%00,b",
        "/api/models/meta/%E2%98%83/versions/1.0.0",
        "/api/v1/org/meta/models/llama-chat-8b/compare?versions=" + "x" * 5000 + ",b",
    ],
)
async def test_hostile_input_is_never_a_server_error(client: httpx.AsyncClient, url: str) -> None:
    response = await client.get(url)
    assert 200 <= response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()) >= ENVELOPE_KEYS
    if "%00" in url:  # PostgreSQL text cannot hold NUL: refused before any query
        assert response.status_code == 400, response.text


async def test_limits_above_one_graphql_page(
    write_client: httpx.AsyncClient, tokens: Tokens, fresh_engine: AsyncEngine
) -> None:
    """41 demo models + 60 new ones: `limit` above 100 reads a second GraphQL page."""
    writer = Tokens.header(tokens.acme_writer)
    for batch in range(6):  # 10 a request: the alias limit is 15
        fields = " ".join(
            f'm{i}: createModel(input: {{organization: "acme", slug: "bulk-{batch}-{i:02d}", '
            f'name: "Bulk {batch} {i:02d}"}}) {{ slug }}'
            for i in range(10)
        )
        created = await gql(write_client, f"mutation {{ {fields} }}", headers=writer)
        assert "errors" not in created, created
    reader = Tokens.header(tokens.acme_reader)
    counts = {}
    pages = {}
    for limit in (100, 150, 200):
        with count_statements(fresh_engine) as counter:
            pages[limit] = await get_ok(write_client, f"/v1/models?limit={limit}", headers=reader)
        counts[limit] = counter.count
    assert pages[100]["total"] == pages[150]["total"] == 101
    assert len(pages[100]["models"]) == 100 and pages[100]["next_cursor"]
    assert len(pages[150]["models"]) == 101 and pages[150]["next_cursor"] is None
    assert pages[200] == pages[150]
    ids = [m["id"] for m in pages[150]["models"]]
    assert len(set(ids)) == 101 and ids[:100] == [m["id"] for m in pages[100]["models"]]
    rest = await get_ok(
        write_client, f"/v1/models?limit=100&cursor={pages[100]['next_cursor']}", headers=reader
    )
    assert [m["id"] for m in rest["models"]] == ids[100:]
    # Two GraphQL pages cost what two pages cost, whatever the number of models on them.
    assert counts[150] == counts[200] <= 2 * counts[100], counts
