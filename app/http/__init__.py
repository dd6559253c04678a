"""HTTP concerns around the GraphQL view: authentication, request ids, error responses."""
