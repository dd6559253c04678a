"""GraphQL object types, one family per module. Types are built from rows explicitly."""
