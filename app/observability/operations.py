"""A schema extension that records the GraphQL operation a request runs (its name), for the
request's metrics labels and log line. It runs for `/graphql` and for the REST routes, which
execute GraphQL in-process."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from app.observability.request_context import note_operation


class RecordOperation(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        try:
            name = self.execution_context.operation_name
        except Exception:  # a document that did not parse has no operation
            name = None
        if name is not None or self.execution_context.graphql_document is not None:
            note_operation(name)
