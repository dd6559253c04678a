"""The GPT4All parser against the real models3.json (figures from the raw JSON here)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.importers.records import UnreadableSource
from app.importers.sources import gpt4all
from tests.importers.support import datasets_dir


def _file() -> Path:
    return datasets_dir() / "gpt4all" / "gpt4all-chat" / "metadata" / "models3.json"


def test_counts_and_values() -> None:
    raw: list[dict[str, Any]] = json.loads(_file().read_text(encoding="utf-8"))
    parsed = gpt4all.parse(datasets_dir() / "gpt4all")
    with_sha = [e for e in raw if "sha256sum" in e]
    assert len(raw) == 32 and len(with_sha) == 4
    assert len(parsed.models) == len(raw) and parsed.problems == []
    assert len(parsed.versions) == len(with_sha)
    assert parsed.notes == [
        "models3.json: 28 entries have only an md5 checksum: model imported, no version "
        "(registry files need a sha256 OID)"
    ]
    for entry, version in zip(with_sha, parsed.versions, strict=True):
        (file,) = version.files
        assert file.path == entry["filename"]
        assert file.oid == "sha256:" + entry["sha256sum"]
        assert file.size_bytes == int(entry["filesize"])
        assert version.version == "1.0.0"
        assert version.model.name == entry["name"]
    models = {m.ref.external_id: m for m in parsed.models}
    assert models["qwen2-1_5b-instruct-q4_0.gguf"].param_count == 1_500_000_000
    assert models["all-MiniLM-L6-v2-f16.gguf"].param_count == 40_000_000
    assert models["Meta-Llama-3-8B-Instruct.Q4_0.gguf"].organization_slug == "nomic-ai"


def test_truncated_json_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "models3.json"
    path.write_text('[{"name": "x", "filename": "x.gguf"', encoding="utf-8")
    with pytest.raises(UnreadableSource):
        gpt4all.parse(path)


def test_wrong_shape_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "models3.json"
    path.write_text('{"models": []}', encoding="utf-8")
    with pytest.raises(UnreadableSource, match="array"):
        gpt4all.parse(path)


def test_bad_values_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "models3.json"
    entries = [
        {"name": "ok", "filename": "ok.gguf", "filesize": "10", "sha256sum": "c" * 64},
        {"name": "size", "filename": "size.gguf", "filesize": "ten", "sha256sum": "c" * 64},
        {"name": "hash", "filename": "hash.gguf", "filesize": "10", "sha256sum": "zz"},
        {"name": "params", "filename": "p.gguf", "parameters": 8},
        {"name": "nofile"},
    ]
    path.write_text(json.dumps(entries), encoding="utf-8")
    parsed = gpt4all.parse(path)
    assert [(p.location, p.reason) for p in parsed.problems] == [
        (f"{path}#size.gguf", "filesize 'ten' is not a whole number of bytes"),
        (f"{path}#hash.gguf", "sha256sum: sha256 'zz' is not a 64-digit hex digest"),
        (f"{path}#p.gguf", "parameters must be a string, got int"),
        (f"{path}#[4]", "filename is missing"),
    ]
    assert [v.files[0].path for v in parsed.versions] == ["ok.gguf"]
