"""`catalog operations list`: the trusted documents the service would load at start."""

from __future__ import annotations

from pathlib import Path

from app.graphql.persisted import load_trusted


def listing(directory: Path) -> list[str]:
    """One line per document: its SHA-256 (what a client sends), operations, file name.
    Raises TrustedDocumentError for a missing directory or a file that does not parse."""
    documents = load_trusted(directory)
    lines = [
        f"{doc.sha256}  {', '.join(doc.operations) or '(no operation)'}  {doc.path.name}"
        for doc in sorted(documents.values(), key=lambda d: d.path.name)
    ]
    return lines or [f"no trusted documents (*.graphql) in {directory}"]
