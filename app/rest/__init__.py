"""REST compatibility: the seed pages' routes, answered by the GraphQL schema in-process."""
