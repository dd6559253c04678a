"""The GraphQL API: schema composition, types, loaders and the HTTP view."""
