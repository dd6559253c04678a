"""The GraphQL documents the REST routes run in-process (one data path, one access rule).

Each REST route executes one of these against the service's own schema with the caller's
context, so visibility, validation and error types are exactly those of `/graphql`.
"""

from __future__ import annotations

# Registry side (seeds 000, 001, 002): one version in the registry's shape.
VERSION_FIELDS = """
fragment RegistryVersion on ModelVersion {
  artifactId version name createdAt updatedAt framework architecture task baseModel
  datasetRefs tags aliases fileSizeBytes downloadCount isPublic origin status metrics fileOids
}
"""

MODEL_LATEST = (
    VERSION_FIELDS
    + """
query RestModelLatest($org: String!, $name: String!) {
  model(org: $org, name: $name) { latestVersion { ...RegistryVersion } }
}
"""
)

MODEL_VERSION = (
    VERSION_FIELDS
    + """
query RestModelVersion($org: String!, $name: String!, $ref: String!) {
  model(org: $org, name: $name) { version(ref: $ref) { ...RegistryVersion } }
}
"""
)

MODEL_VERSIONS = (
    VERSION_FIELDS
    + """
query RestModelVersions($org: String!, $name: String!, $first: Int!, $after: String) {
  model(org: $org, name: $name) {
    canonicalName
    latestVersion { ...RegistryVersion }
    versions(first: $first, after: $after) {
      nodes { ...RegistryVersion }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
)

COMPARE = """
query RestCompare($org: String!, $name: String!, $versions: [String!]!) {
  compareVersions(org: $org, name: $name, versions: $versions) {
    name metricKeys
    versions {
      version aliases architecture baseModel createdAt datasetRefs fileSizeBytes framework
      metrics tags task
    }
  }
}
"""

# LLM catalog side (seed 003): a model with everything the seed names.
CATALOG_MODEL_FIELDS = """
fragment CatalogModel on Model {
  canonicalName slug name description openWeight modelType modalities createdAt updatedAt
  source url contextWindow paramCount releaseDate
  sources { apiRef paper weights repo }
  organization { slug name }
  license { slug name allowCommercial }
  family { slug name }
  providers { providerId providerName status inputPricePerM outputPricePerM }
  topScores(limit: 100) { benchmarkId score }
  scores(first: $scoresFirst) {
    nodes {
      benchmarkId benchmarkName score maxScore isSelfReported isVerified scoredAt category
      normalizedScore
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

CATALOG_MODEL = (
    CATALOG_MODEL_FIELDS
    + """
query RestCatalogModel($org: String!, $name: String!, $scoresFirst: Int!) {
  model(org: $org, name: $name) { ...CatalogModel }
}
"""
)

CATALOG_MODELS = (
    CATALOG_MODEL_FIELDS
    + """
query RestCatalogModels(
  $filter: ModelFilter, $orderBy: ModelOrder, $first: Int!, $after: String, $scoresFirst: Int!
) {
  models(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    nodes { ...CatalogModel }
    pageInfo { hasNextPage endCursor }
  }
}
"""
)

# Follow-up pages of one model's scores (only when a model has more than a page of them).
MODEL_SCORES = """
query RestModelScores($org: String!, $name: String!, $first: Int!, $after: String) {
  model(org: $org, name: $name) {
    scores(first: $first, after: $after) {
      nodes {
        benchmarkId benchmarkName score maxScore isSelfReported isVerified scoredAt category
        normalizedScore
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""

# Bare model ids (`gpt-4o` rather than `openai/gpt-4o`): candidates by text search.
MODELS_BY_TEXT = """
query RestModelsByText($search: String!, $first: Int!, $after: String) {
  models(filter: { search: $search }, first: $first, after: $after) {
    nodes { slug organization { slug } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

# Marketplace side (seed 004): a version with its parent model's metadata.
MARKETPLACE_VERSION = """
query RestMarketplaceVersion($org: String!, $name: String!, $ref: String!) {
  model(org: $org, name: $name) {
    canonicalName name description author permalink features isActive isRecommended
    isCommercial isExpired images updatedAt
    tags { identifier name dataType isCategorical }
    latestVersion { version }
    latestActiveVersion { version updatedAt }
    versions(first: 100) { nodes { version } pageInfo { hasNextPage endCursor } }
    version(ref: $ref) {
      version createdAt updatedAt inputValidationSchema status isActive isAvailable
      longDescription technicalDetails sampleInput sampleOutput sourceType versionHistory
      performanceSummary
      timeout { status run }
      requirement { gpuUnits cpuAmount memoryAmount }
      containerImage {
        uploadStatus loadStatus uploadPercentage loadPercentage containerImageSize
        registryHost repositoryNamespace repositoryName imagePrefix
      }
      inputs { name acceptedMediaTypes maximumSize description }
      outputs { name mediaType maximumSize description }
      statistics { label category type description highlight order value }
      processing { minimumParallelCapacity maximumParallelCapacity }
    }
  }
}
"""

# The version list of seed 004's `model.versions` (version strings, newest first).
VERSION_STRINGS = """
query RestVersionStrings($org: String!, $name: String!, $first: Int!, $after: String) {
  model(org: $org, name: $name) {
    versions(first: $first, after: $after) {
      nodes { version }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
