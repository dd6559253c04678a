"""Model Catalog: a GraphQL service for AI models, their versions, benchmarks and prices."""
