"""GPT4All downloadable model list (`gpt4all-chat/metadata/models3.json`, nomic-ai/gpt4all), MIT.

PATH is `models3.json` or a directory holding it (directly or under `gpt4all-chat/metadata/`).

Each entry is one downloadable GGUF build. It becomes a model whose external id is its
`filename` (unique in the list, while display names repeat: two "MPT Chat", two "SBert"), named
by `name`; the organization is the owner of the Hugging Face repo in `url`, else `nomic-ai`
(files served from gpt4all.io). `parameters` ("8 billion", "40 million") gives an approximate
parameter count; `filesize` (bytes, a string) the file size.

Versions: one registry version `1.0.0` per entry (`artifacts.GALLERY_VERSION`) with the one file.
The registry identifies files by sha256 OIDs only, so the 28 entries that publish only an
`md5sum` keep their model but get no version; they are counted in `notes` (a documented rule,
not a data error). A malformed `sha256sum`, `filesize` or `parameters` is a problem
(`models3.json#<filename>`).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from app.importers import artifacts
from app.importers import parsing as p
from app.importers.records import (
    FileRecord,
    ModelRecord,
    ModelRef,
    ParsedSource,
    Problem,
    UnreadableSource,
    VersionRecord,
)
from app.importers.tabular import BadCell, slug

SOURCE = "gpt4all"
FILE_NAME = "models3.json"
PUBLISHER = "nomic-ai"
_PARAMETERS = re.compile(r"(\d+(?:\.\d+)?)\s*(billion|million|thousand)", re.IGNORECASE)
_SCALE = {"billion": 10**9, "million": 10**6, "thousand": 10**3}
_TAG = re.compile(r"<[^>]+>")


def _file(path: Path) -> Path:
    if not path.is_dir():
        return path
    for candidate in (path / FILE_NAME, path / "gpt4all-chat" / "metadata" / FILE_NAME):
        if candidate.is_file():
            return candidate
    raise UnreadableSource(str(path), f"no {FILE_NAME} here")


def _load(file: Path) -> list[Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableSource(str(file), f"cannot read file: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise UnreadableSource(f"{file}:{exc.lineno}", f"invalid JSON: {exc.msg}") from exc
    if not isinstance(data, list):
        raise UnreadableSource(str(file), "expected a JSON array of models")
    return data


def parse(path: Path, observed_at: date | None = None) -> ParsedSource:
    file = _file(path)
    out = ParsedSource(source=SOURCE)
    seen: set[str] = set()
    md5_only = 0
    for index, entry in enumerate(_load(file)):
        location = f"{file}#[{index}]"
        try:
            if not isinstance(entry, dict):
                raise BadCell("entry is not an object")
            filename = _string(entry, "filename")
            if filename is None:
                raise BadCell("filename is missing")
            location = f"{file}#{filename}"
            if filename in seen:
                raise BadCell(f"filename {filename!r} appears again")
            seen.add(filename)
            model = _model(entry, filename, location)
            size = _size(entry)
            sha = entry.get("sha256sum")
            oid = artifacts.sha256_oid(sha, "sha256sum") if sha is not None else None
        except BadCell as exc:
            out.problems.append(Problem(location, str(exc)))
            continue
        out.models.append(model)
        if oid is None:
            md5_only += 1
            continue
        out.versions.append(
            VersionRecord(
                model=model,
                version=artifacts.GALLERY_VERSION,
                files=(FileRecord(path=filename, oid=oid, size_bytes=size),),
                description=model.description,
                tags=tuple(t for t in (_string(entry, "type"), _string(entry, "quant")) if t),
                origin=_origin(entry, model.ref.hf_repo),
                location=location,
            )
        )
    if md5_only:
        out.notes.append(
            f"{file.name}: {md5_only} entries have only an md5 checksum: model imported, "
            "no version (registry files need a sha256 OID)"
        )
    return p.date_undated(out, observed_at)


def _string(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadCell(f"{key} must be a string, got {type(value).__name__}")
    return value.strip()


def _size(entry: dict[str, Any]) -> int | None:
    raw = _string(entry, "filesize")
    if raw is None:
        return None
    if not raw.isdigit():
        raise BadCell(f"filesize {raw!r} is not a whole number of bytes")
    return int(raw)


def _params(entry: dict[str, Any]) -> int | None:
    raw = _string(entry, "parameters")
    if raw is None:
        return None
    found = _PARAMETERS.fullmatch(raw)
    if found is None:
        raise BadCell(f"parameters {raw!r} is not like '8 billion'")
    return round(float(found.group(1)) * _SCALE[found.group(2).lower()])


def _model(entry: dict[str, Any], filename: str, location: str) -> ModelRecord:
    name = _string(entry, "name") or filename
    url = _string(entry, "url")
    repo = artifacts.hf_repo(url)
    owner = repo.split("/")[0] if repo else None
    description = _string(entry, "description")
    if description:
        description = re.sub(r"\s+", " ", _TAG.sub(" ", description)).strip() or None
    return ModelRecord(
        ref=ModelRef(SOURCE, filename, name, owner or PUBLISHER, repo),
        organization_slug=slug(owner) if owner else PUBLISHER,
        name=name,
        description=description,
        open_weight=True,
        param_count=_params(entry),
        url=url,
        source_weights=url,
        location=location,
    )


def _origin(entry: dict[str, Any], repo: str | None) -> dict[str, str]:
    keys = ("url", "quant", "type", "requires", "removedIn", "ramrequired")
    origin = {"source": SOURCE, **({"repo_id": repo} if repo else {})}
    for key in keys:
        value = entry.get(key)
        if isinstance(value, str) and value:
            origin[key] = value
    return origin
