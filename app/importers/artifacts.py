"""Shared rules of the model galleries (LocalAI, GPT4All): hashes, versions, repo ids."""

from __future__ import annotations

import re

from app.importers.tabular import BadCell

# Galleries do not version their entries: each entry is imported as this one version. A changed
# file list on a later import updates that version (see app/importers/version_writer.py).
GALLERY_VERSION = "1.0.0"

_SHA256 = re.compile(r"[0-9a-fA-F]{64}")
_HF_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/([\w.-]+)/([\w.-]+)")
_HF_URI = re.compile(r"^huggingface://([\w.-]+)/([\w.-]+)/")


def sha256_oid(value: object, what: str) -> str:
    """A sha256 hex digest -> the catalog's OID `sha256:<64 lowercase hex>`."""
    if not isinstance(value, str) or not _SHA256.fullmatch(value.strip()):
        raise BadCell(f"{what}: sha256 {value!r} is not a 64-digit hex digest")
    return "sha256:" + value.strip().lower()


def hf_repo(url: object) -> str | None:
    """`https://huggingface.co/owner/repo/...`, `huggingface://owner/repo/file` -> `owner/repo`."""
    if not isinstance(url, str):
        return None
    found = _HF_URL.match(url.strip()) or _HF_URI.match(url.strip())
    if found is None or found.group(1) in {"datasets", "spaces"}:
        return None
    return f"{found.group(1)}/{found.group(2)}"
