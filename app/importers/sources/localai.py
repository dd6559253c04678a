"""LocalAI model gallery (`gallery/index.yaml` of github.com/mudler/LocalAI), MIT.

PATH is `index.yaml` or a directory holding it (directly or under `gallery/`). The YAML uses
anchors and merge keys, so it is read with PyYAML's safe loader (YAML 1.1).

Each entry becomes a model (external id = the entry's unique `name`; organization = the owner of
its first Hugging Face URL in `urls`, else of its first file's URI, else `localai`; open weights)
and, when it lists `files`, one registry version `1.0.0` (the gallery has no version field; see
`artifacts.GALLERY_VERSION`) whose files are `filename` with OID `sha256:<hex>`. The gallery
gives no file sizes, so `size_bytes` is None. An entry with a file whose sha256 is missing or
not a 64-digit hex digest keeps its model but gets no version, and is reported as a problem
(`index.yaml#<name>`). Entries without files (configurations for remote backends) are counted
in `notes`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

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

SOURCE = "localai"
# libyaml's safe loader when PyYAML was built with it (same YAML 1.1 semantics, ~10x faster).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FILE_NAME = "index.yaml"


def _file(path: Path) -> Path:
    if not path.is_dir():
        return path
    for candidate in (path / FILE_NAME, path / "gallery" / FILE_NAME):
        if candidate.is_file():
            return candidate
    raise UnreadableSource(str(path), f"no {FILE_NAME} here")


def parse(path: Path, observed_at: date | None = None) -> ParsedSource:
    file = _file(path)
    try:
        entries = yaml.load(file.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableSource(str(file), f"cannot read file: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark is not None else str(file)
        raise UnreadableSource(where, f"invalid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise UnreadableSource(str(file), "expected a YAML list of gallery entries")
    out = ParsedSource(source=SOURCE)
    seen: set[str] = set()
    without_files = 0
    for index, entry in enumerate(entries):
        location = f"{file}#[{index}]"
        try:
            if not isinstance(entry, dict):
                raise BadCell("entry is not a mapping")
            name = entry.get("name")
            if not isinstance(name, str) or not name.strip():
                raise BadCell("entry has no name")
            location = f"{file}#{name}"
            if name in seen:
                raise BadCell(f"name {name!r} appears again")
            seen.add(name)
            model = _model(entry, name, location)
        except BadCell as exc:
            out.problems.append(Problem(location, str(exc)))
            continue
        out.models.append(model)
        if not entry.get("files"):
            without_files += 1
            continue
        try:
            out.versions.append(_version(entry, model, location))
        except BadCell as exc:
            out.problems.append(Problem(location, f"no version imported: {exc}"))
    if without_files:
        out.notes.append(f"{file.name}: {without_files} entries without files (model only)")
    return p.date_undated(out, observed_at)


def _strings(entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadCell(f"{key} must be a list of strings")
    return [v.strip() for v in value if v.strip()]


def _text(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise BadCell(f"{key} must be a string")
    return str(value).strip() or None


def _model(entry: dict[str, Any], name: str, location: str) -> ModelRecord:
    urls = _strings(entry, "urls")
    files = entry.get("files") or []
    if not isinstance(files, list):
        raise BadCell("files must be a list")
    candidates = urls + [f.get("uri") for f in files if isinstance(f, dict)]
    repo = next((r for r in map(artifacts.hf_repo, candidates) if r), None)
    hf_url = next((u for u in urls if artifacts.hf_repo(u)), None)
    return ModelRecord(
        ref=ModelRef(SOURCE, name, name, repo.split("/")[0] if repo else None, repo),
        organization_slug=slug(repo.split("/")[0]) if repo else "localai",
        name=name,
        description=_text(entry, "description"),
        open_weight=True,
        url=urls[0] if urls else None,
        source_weights=hf_url,
        location=location,
    )


def _version(entry: dict[str, Any], model: ModelRecord, location: str) -> VersionRecord:
    files: list[FileRecord] = []
    paths: set[str] = set()
    for index, item in enumerate(entry["files"]):
        if not isinstance(item, dict):
            raise BadCell(f"files[{index}] is not a mapping")
        filename = item.get("filename")
        if not isinstance(filename, str) or not filename.strip():
            raise BadCell(f"files[{index}] has no filename")
        if filename in paths:
            raise BadCell(f"files[{index}]: {filename!r} is listed twice")
        paths.add(filename)
        oid = artifacts.sha256_oid(item.get("sha256"), f"files[{index}] ({filename})")
        files.append(FileRecord(path=filename, oid=oid))
    overrides = entry.get("overrides")
    backend = overrides.get("backend") if isinstance(overrides, dict) else None
    origin = {
        key: value
        for key, value in (
            ("source", SOURCE),
            ("gallery_entry", model.ref.external_id),
            ("repo_id", model.ref.hf_repo),
            ("revision", "main" if model.ref.hf_repo else None),  # no git revision is given
            ("config_url", _text(entry, "url")),
            ("license", _text(entry, "license")),
            ("backend", backend if isinstance(backend, str) else None),
            ("last_checked", _text(entry, "last_checked")),
        )
        if value
    }
    return VersionRecord(
        model=model,
        version=artifacts.GALLERY_VERSION,
        files=tuple(files),
        description=model.description,
        tags=tuple(_strings(entry, "tags")),
        origin=origin,
        location=location,
    )
