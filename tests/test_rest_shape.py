"""The REST layer's pure parts: query-string parsing, the version header, the JSON shapes."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import InvalidRequest, UpgradeRequired, ValidationFailed
from app.rest import shape
from app.rest.params import check_api_version, parse_compare_versions, parse_model_list
from tests.rest_seed_pages import shape_problems


def test_model_list_parameters_become_graphql_arguments() -> None:
    query = parse_model_list(
        {
            "organization": ["meta"],
            "family": ["llama-3"],
            "modality": ["text"],
            "provider": ["groq"],
            "open_weight": ["TRUE"],
            "max_input_price": ["0.5"],
            "max_output_price": ["1"],
            "min_context": ["100000"],
            "released_after": ["2024-01-31"],
            "released_before": ["2024-03-01"],
            "sort": ["-score:mmlu"],
            "cursor": ["abc"],
            "limit": ["150"],
        }
    )
    assert query.filter == {
        "organization": "meta",
        "family": "llama-3",
        "modality": "text",
        "provider": "groq",
        "openWeight": True,
        "inputPricePerM": {"max": 0.5},
        "outputPricePerM": {"max": 1.0},
        "contextWindow": {"min": 100000},
        # Exclusive on the REST side, inclusive in GraphQL.
        "releaseDate": {"from": "2024-02-01", "to": "2024-02-29"},
    }
    assert query.order_by == {"field": "BENCHMARK_SCORE", "direction": "DESC", "benchmark": "mmlu"}
    assert (query.cursor, query.limit) == ("abc", 150)


def test_model_list_defaults() -> None:
    query = parse_model_list({})
    assert (query.filter, query.order_by, query.cursor, query.limit) == ({}, None, None, 20)
    assert parse_model_list({"sort": ["release_date"]}).order_by == {
        "field": "RELEASE_DATE",
        "direction": "ASC",
    }


def test_model_list_reports_every_bad_parameter_at_once() -> None:
    with pytest.raises(ValidationFailed) as caught:
        parse_model_list(
            {
                "limit": ["201"],
                "open_weight": ["sometimes"],
                "released_before": ["0001-01-01"],
                "max_input_price": ["nan"],
                "sort": ["-"],
            }
        )
    assert caught.value.code == 422
    assert sorted(e.loc[1] for e in caught.value.errors) == [
        "limit",
        "max_input_price",
        "open_weight",
        "released_before",
        "sort",
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"versions": ["1.0.0", "latest"]}, ["1.0.0", "latest"]),
        ({"versions": ["1.0.0,2.0.0", "3.0.0"]}, ["1.0.0", "2.0.0", "3.0.0"]),
        ({"versions": [" a , b ,"]}, ["a", "b"]),
    ],
)
def test_compare_versions_repeated_or_comma_separated(
    params: dict[str, list[str]], expected: list[str]
) -> None:
    assert parse_compare_versions(params) == expected


@pytest.mark.parametrize("params", [{}, {"versions": ["a"]}, {"versions": ["a,b,c,d,e,f"]}])
def test_compare_versions_count(params: dict[str, list[str]]) -> None:
    with pytest.raises(ValidationFailed):
        parse_compare_versions(params)


def test_api_version_header() -> None:
    check_api_version({})
    check_api_version({"x-api-version": "1"})
    check_api_version({"accept-version": "v1.3"})
    with pytest.raises(UpgradeRequired):
        check_api_version({"x-api-version": "0.9"})
    with pytest.raises(InvalidRequest):
        check_api_version({"x-api-version": "1.0.0.0"})
    with pytest.raises(InvalidRequest):
        check_api_version({"accept-version": "2"})


def test_timestamps_are_utc_with_z() -> None:
    assert shape.timestamp("2024-01-02T03:04:05+00:00") == "2024-01-02T03:04:05Z"
    assert shape.timestamp("2024-01-02T03:04:05.5") == "2024-01-02T03:04:05.5Z"
    assert shape.timestamp("2024-01-02T03:04:05Z") == "2024-01-02T03:04:05Z"
    assert shape.timestamp(None) is None


def _version(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "version": "1.0.0",
        "createdAt": "2024-01-01T00:00:00+00:00",
        "updatedAt": "2024-02-01T00:00:00+00:00",
        "status": "ACTIVE",
        "sampleOutput": '{"ok": true}',
        "containerImage": {
            "registryHost": "ghcr.io",
            "repositoryNamespace": "org",
            "repositoryName": "runner",
            "imagePrefix": "server",
            "loadStatus": "SUCCESS",
            "loadPercentage": 100,
        },
    }
    return base | changes


def test_derived_load_and_run_status() -> None:
    assert shape.load_status(_version()) == {"step": 2, "stepName": "SUCCESS", "percentage": 100}
    run = shape.run_status(_version())
    assert run["percentage"] == 100 and run["result"]["status"] == "SUCCEEDED"
    assert run["result"]["engine"] == "ghcr.io/org/runner:server"
    assert run["result"]["results.json"] == {"ok": True}
    assert run["result"]["startTime"] == "2024-01-01T00:00:00Z"
    idle = shape.run_status(_version(status="INACTIVE", containerImage=None, sampleOutput=None))
    assert idle["percentage"] == 0 and idle["result"]["engine"] is None
    assert idle["result"]["results.json"] == {}
    assert shape.load_status(_version(containerImage=None))["percentage"] == 0


def test_key_shape_comparison() -> None:
    example = {"a": {"b": [{"c": 1}]}, "d": "x", "e": None}
    assert shape_problems(example, {"a": {"b": [{"c": 2.5}]}, "d": "y", "e": 3}) == []
    assert shape_problems(example, {"a": {"b": [{}]}, "d": 1}) == [
        "$.a.b[].c: missing",
        "$.d: expected string, got number",
        "$.e: missing",
    ]
    assert shape_problems({"d": "x"}, {"d": None}) == ["$.d: expected string, got null"]
    assert shape_problems({"d": "x"}, {"d": None}, nullable=frozenset({"$.d"})) == []


def test_every_rest_operation_is_valid_against_the_schema() -> None:
    from graphql import parse, validate

    from app.graphql.schema import schema
    from app.rest import operations

    documents = {
        name: value
        for name, value in vars(operations).items()
        if name.isupper() and isinstance(value, str) and "query " in value
    }
    assert len(documents) == 10
    for name, document in documents.items():
        assert validate(schema._schema, parse(document)) == [], name
