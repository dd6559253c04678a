"""JSON Schemas (OpenAPI 3.1 components) of the seed pages' answers and the error envelope.

They describe exactly what `shape` builds: every key is always present (`required`), a value
that can be missing is `null` (never an absent key), and no other key appears. Nullability
follows the GraphQL fields each key is read from.
"""

from __future__ import annotations

from typing import Any

from app import errors
from app.graphql.types.enums import VersionStatus

JSONSchema = dict[str, Any]

STRING: JSONSchema = {"type": "string"}
INTEGER: JSONSchema = {"type": "integer"}
NUMBER: JSONSchema = {"type": "number"}
BOOLEAN: JSONSchema = {"type": "boolean"}
TIMESTAMP: JSONSchema = {
    "type": "string",
    "format": "date-time",
    "description": "ISO 8601 in UTC, `Z` suffix",
}
STRINGS: JSONSchema = {"type": "array", "items": STRING}


def ref(name: str) -> JSONSchema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: JSONSchema) -> JSONSchema:
    """The schema or null (3.1: a type list, or anyOf for references)."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


def obj(properties: dict[str, JSONSchema], description: str) -> JSONSchema:
    """A closed object whose every property is present."""
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def described(schema: JSONSchema, text: str) -> JSONSchema:
    return {**schema, "description": text}


# --- error envelope (seed 000) -------------------------------------------------------------

ERROR_TYPES = sorted(
    {
        cls.type
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.CatalogError)
    }
)

FIELD_ERROR = obj(
    {
        "loc": described(
            {"type": "array", "items": {"type": ["string", "integer"]}},
            'Where the validation error occurred, e.g. `["query", "limit"]`',
        ),
        "msg": described(STRING, "Human-readable validation message"),
        "type": described(STRING, "Machine-readable validation error type"),
    },
    "One invalid input.",
)

ERROR_ENVELOPE: JSONSchema = {
    "type": "object",
    "description": "Canonical API error envelope returned by the API.",
    "properties": {
        "code": described(INTEGER, "HTTP status code"),
        "type": {**STRING, "enum": ERROR_TYPES, "description": "Stable machine-readable type"},
        "detail": described(STRING, "Human-readable error message"),
        "errors": {"type": "array", "items": ref("FieldError"), "description": "Each problem"},
        "requestId": described(STRING, "The request's id (also the X-Request-ID header)"),
    },
    "required": ["code", "type", "detail", "requestId"],
    "additionalProperties": False,
}

# --- registry (seeds 000, 001, 002) ----------------------------------------------------------

STATUS = {**STRING, "enum": [status.value for status in VersionStatus]}
METRICS: JSONSchema = {
    "type": "object",
    "additionalProperties": NUMBER,
    "description": "Metric key → value",
}

SUMMARY_PROPERTIES: dict[str, JSONSchema] = {
    "id": described({**STRING, "format": "uuid"}, "Artifact UUID"),
    "name": described(STRING, "Model name (org-prefixed canonical)"),
    "version": described(STRING, "Semver version string"),
    "created_at": TIMESTAMP,
    "updated_at": TIMESTAMP,
    "download_count": described(INTEGER, "Total downloads for this version"),
    "framework": described(nullable(STRING), "Model framework"),
    "is_public": described(BOOLEAN, "Whether publicly visible"),
    "origin": {"type": "object", "description": "Origin tracking metadata"},
    "status": STATUS,
    "aliases": described(STRINGS, "Aliases pointing at this version"),
}

DETAIL_PROPERTIES: dict[str, JSONSchema] = {
    **SUMMARY_PROPERTIES,
    "artifacts": {
        "type": "object",
        "additionalProperties": STRING,
        "description": "Artifact path to OID mapping",
    },
    "file_size_bytes": described(INTEGER, "Total size of the artifacts"),
    "architecture": nullable(STRING),
    "task": nullable(STRING),
    "base_model": nullable(STRING),
    "dataset_refs": STRINGS,
    "tags": STRINGS,
    "metrics": METRICS,
}

COMPARED_VERSION = obj(
    {
        "version": STRING,
        "aliases": STRINGS,
        "architecture": nullable(STRING),
        "base_model": nullable(STRING),
        "created_at": TIMESTAMP,
        "dataset_refs": STRINGS,
        "file_size_bytes": INTEGER,
        "framework": nullable(STRING),
        "metrics": METRICS,
        "tags": STRINGS,
        "task": nullable(STRING),
    },
    "Single version in a comparison.",
)

# --- LLM catalog (seed 003) ----------------------------------------------------------------

REF = obj({"id": described(STRING, "Slug"), "name": STRING}, "A referenced object.")
LICENSE_REF = obj(
    {"id": described(STRING, "Slug"), "name": STRING, "allow_commercial": BOOLEAN}, "A license."
)
PRICE = described(nullable(NUMBER), "USD per million tokens")
PROVIDER_PRICING = obj(
    {
        "provider_id": described(STRING, "Provider slug"),
        "provider_name": STRING,
        "status": STRING,
        "input_price_per_m": PRICE,
        "output_price_per_m": PRICE,
    },
    "A provider's current price for the model.",
)
BENCHMARK_SCORE = obj(
    {
        "benchmark_id": described(STRING, "Benchmark slug"),
        "benchmark_name": STRING,
        "score": NUMBER,
        "max_score": nullable(NUMBER),
        "is_self_reported": BOOLEAN,
        "verified_by_llmstats": BOOLEAN,
        "scored_at": nullable(TIMESTAMP),
        "category": nullable(STRING),
        "normalized_score": described(nullable(NUMBER), "0-100; null where unbounded"),
    },
    "A benchmark score of the model.",
)
SOURCES = obj(
    {key: nullable(STRING) for key in ("api_ref", "paper", "weights", "repo")},
    "Where the model is documented.",
)
CATALOG_MODEL = obj(
    {
        "id": described(STRING, "Canonical `org/slug`"),
        "name": STRING,
        "description": STRING,
        "organization": ref("OrganizationRef"),
        "license": nullable(ref("LicenseRef")),
        "open_weight": BOOLEAN,
        "model_type": nullable(STRING),
        "modalities": STRINGS,
        "providers": {"type": "array", "items": ref("ProviderPricing")},
        "top_scores": {
            "type": "object",
            "additionalProperties": NUMBER,
            "description": "Benchmark slug → the model's best score on it",
        },
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
        "source": nullable(STRING),
        "url": nullable(STRING),
        "scores": {"type": "array", "items": ref("BenchmarkScore")},
        "sources": ref("ModelSources"),
        "family": nullable(ref("FamilyRef")),
        "context_window": described(nullable(INTEGER), "Tokens"),
        "param_count": nullable(INTEGER),
        "release_date": nullable({**STRING, "format": "date"}),
    },
    "A model of the LLM catalog.",
)
MODEL_LIST = obj(
    {
        "models": {"type": "array", "items": ref("CatalogModel")},
        "total": described(INTEGER, "Models matching the filters"),
        "next_cursor": described(nullable(STRING), "Pass as `cursor` for the next page"),
    },
    "A page of models.",
)

# --- marketplace (seed 004) ----------------------------------------------------------------

INT_OR_NULL = nullable(INTEGER)
STR_OR_NULL = nullable(STRING)


def _all(keys: str, schema: JSONSchema) -> dict[str, JSONSchema]:
    return {key: schema for key in keys.split()}


CONTAINER_IMAGE = obj(
    {
        **_all("uploadStatus loadStatus", STR_OR_NULL),
        **_all("uploadPercentage loadPercentage containerImageSize", INT_OR_NULL),
        **_all("registryHost repositoryNamespace repositoryName imagePrefix", STR_OR_NULL),
    },
    "The version's container image.",
)
STEP = {"step": INTEGER, "stepName": STRING, "percentage": INTEGER}
RUN_RESULT = obj(
    {
        "status": STRING,
        "engine": STR_OR_NULL,
        "error": {"type": "null"},
        "startTime": TIMESTAMP,
        "endTime": TIMESTAMP,
        "updateTime": TIMESTAMP,
        "results.json": {"description": "The sample output: JSON when it parses, else text"},
    },
    "The run check's result.",
)
MODEL_TAG = obj(
    {"identifier": STRING, "name": STRING, "dataType": STR_OR_NULL, "isCategorical": BOOLEAN},
    "A marketplace tag.",
)
MARKETPLACE_MODEL = obj(
    {
        "modelId": described(STRING, "Canonical `org/slug`"),
        "latestVersion": STR_OR_NULL,
        "latestActiveVersion": STR_OR_NULL,
        "versions": described(STRINGS, "Version strings, newest first"),
        "author": STR_OR_NULL,
        "name": STRING,
        "description": STRING,
        "permalink": STR_OR_NULL,
        "features": STRINGS,
        "isActive": BOOLEAN,
        "isRecommended": BOOLEAN,
        "isCommercial": BOOLEAN,
        "tags": {"type": "array", "items": MODEL_TAG},
        "images": STRINGS,
        "isExpired": BOOLEAN,
        "lastActiveDateTime": TIMESTAMP,
        "createdByEmail": STR_OR_NULL,
        "createdByFullName": STR_OR_NULL,
    },
    "The version's parent model.",
)
MARKETPLACE_VERSION = obj(
    {
        "version": STRING,
        "createdAt": TIMESTAMP,
        "updatedAt": TIMESTAMP,
        "inputValidationSchema": STR_OR_NULL,
        "timeout": nullable(obj(_all("status run", INT_OR_NULL), "Milliseconds")),
        "requirement": nullable(
            obj(
                {"gpuUnits": INT_OR_NULL, **_all("cpuAmount memoryAmount", STR_OR_NULL)},
                "Memory and hardware",
            )
        ),
        "containerImage": nullable(ref("ContainerImage")),
        "loadStatus": obj(STEP, "The load (/status) check."),
        "runStatus": obj({**STEP, "result": RUN_RESULT}, "The run (/run) check."),
        "inputs": {
            "type": "array",
            "items": obj(
                {
                    "name": STRING,
                    "acceptedMediaTypes": STR_OR_NULL,
                    "maximumSize": INT_OR_NULL,
                    "description": STR_OR_NULL,
                },
                "An input the version accepts.",
            ),
        },
        "outputs": {
            "type": "array",
            "items": obj(
                {
                    "name": STRING,
                    "mediaType": STR_OR_NULL,
                    "maximumSize": INT_OR_NULL,
                    "description": STR_OR_NULL,
                },
                "An output the version produces.",
            ),
        },
        "statistics": {
            "type": "array",
            "items": obj(
                {
                    "label": STRING,
                    "category": STR_OR_NULL,
                    "type": STR_OR_NULL,
                    "description": STR_OR_NULL,
                    "highlight": BOOLEAN,
                    "order": INTEGER,
                    "value": nullable(NUMBER),
                },
                "A performance metric.",
            ),
        },
        "isActive": BOOLEAN,
        **_all(
            "longDescription technicalDetails sampleInput sampleOutput sourceType "
            "versionHistory performanceSummary",
            STR_OR_NULL,
        ),
        "isAvailable": BOOLEAN,
        "status": {**STRING, "enum": [status.value.lower() for status in VersionStatus]},
        "model": MARKETPLACE_MODEL,
        "processing": nullable(
            obj(
                _all("minimumParallelCapacity maximumParallelCapacity", INT_OR_NULL),
                "Processing capacity",
            )
        ),
        "availableInClientRegistry": BOOLEAN,
    },
    "A model version of the marketplace.",
)

COMPONENTS: dict[str, JSONSchema] = {
    "ErrorEnvelope": ERROR_ENVELOPE,
    "FieldError": FIELD_ERROR,
    "VersionSummary": obj(SUMMARY_PROPERTIES, "Model artifact summary for list endpoints."),
    "VersionDetail": obj(DETAIL_PROPERTIES, "Full model artifact detail."),
    "VersionList": obj(
        {
            "name": described(STRING, "Model name"),
            "latest": nullable(ref("VersionSummary")),
            "versions": {
                "type": "array",
                "items": ref("VersionSummary"),
                "description": "Available versions, newest first",
            },
        },
        "All versions of a model.",
    ),
    "ComparedVersion": COMPARED_VERSION,
    "VersionComparison": obj(
        {
            "name": described(STRING, "Model name"),
            "metric_keys": described(STRINGS, "Union of all metric keys across versions"),
            "versions": {
                "type": "array",
                "items": ref("ComparedVersion"),
                "description": "Compared versions, in the order asked",
            },
        },
        "Side-by-side comparison of model versions.",
    ),
    "OrganizationRef": REF,
    "FamilyRef": REF,
    "LicenseRef": LICENSE_REF,
    "ProviderPricing": PROVIDER_PRICING,
    "BenchmarkScore": BENCHMARK_SCORE,
    "ModelSources": SOURCES,
    "CatalogModel": CATALOG_MODEL,
    "ModelList": MODEL_LIST,
    "ContainerImage": CONTAINER_IMAGE,
    "MarketplaceVersion": MARKETPLACE_VERSION,
}
