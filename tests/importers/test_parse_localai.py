"""The LocalAI gallery parser against the real index.yaml (figures from the raw YAML here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.importers.records import UnreadableSource
from app.importers.sources import localai
from app.services import semver
from tests.importers.support import datasets_dir


def _index() -> Path:
    return datasets_dir() / "localai-gallery" / "gallery" / "index.yaml"


@pytest.fixture(scope="module")
def raw() -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    entries: list[dict[str, Any]] = yaml.load(_index().read_text(encoding="utf-8"), loader)
    return entries


def _good(entry: dict[str, Any]) -> bool:
    files = entry.get("files") or []
    return bool(files) and all(re.fullmatch(r"[0-9a-f]{64}", f.get("sha256") or "") for f in files)


def test_counts_and_values(raw: list[dict[str, Any]]) -> None:
    parsed = localai.parse(datasets_dir() / "localai-gallery")
    with_files = [e for e in raw if e.get("files")]
    good = [e for e in raw if _good(e)]
    assert len(raw) == 1709 and len(with_files) == 1637
    assert len(parsed.models) == len(raw)
    assert len(parsed.versions) == len(good)
    assert sum(len(v.files) for v in parsed.versions) == sum(len(e["files"]) for e in good)
    assert len(parsed.problems) == len(with_files) - len(good)  # entries with a missing sha256
    assert all(p.location.startswith(f"{_index()}#") for p in parsed.problems)
    entry = good[0]
    version = next(v for v in parsed.versions if v.model.ref.external_id == entry["name"])
    assert semver.is_valid(version.version) and version.version == "1.0.0"
    assert [f.path for f in version.files] == [f["filename"] for f in entry["files"]]
    assert [f.oid for f in version.files] == [f"sha256:{f['sha256']}" for f in entry["files"]]
    assert version.tags == tuple(entry["tags"])
    assert version.model.organization_slug == entry["urls"][0].split("/")[3].lower()


def test_truncated_yaml_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "index.yaml"
    path.write_text("- name: a\n  files:\n    - filename: 'x.gguf\n", encoding="utf-8")
    with pytest.raises(UnreadableSource):
        localai.parse(path)


def test_wrong_shape_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "index.yaml"
    path.write_text("name: not-a-list\n", encoding="utf-8")
    with pytest.raises(UnreadableSource, match="list"):
        localai.parse(path)


def test_bad_hash_and_bad_types_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "index.yaml"
    path.write_text(
        "- name: good\n"
        "  urls: [https://huggingface.co/acme/good-GGUF]\n"
        "  files:\n"
        f"    - {{filename: good.gguf, sha256: {'a' * 64}, uri: x}}\n"
        "- name: badhash\n"
        "  files:\n"
        "    - {filename: bad.gguf, sha256: 'abc', uri: x}\n"
        "- name: badtags\n"
        "  tags: 7\n"
        "  files:\n"
        f"    - {{filename: t.gguf, sha256: {'b' * 64}, uri: x}}\n"
        "- just a string\n",
        encoding="utf-8",
    )
    parsed = localai.parse(path)
    assert [(p.location, p.reason) for p in parsed.problems] == [
        (
            f"{path}#badhash",
            "no version imported: files[0] (bad.gguf): sha256 'abc' is not a 64-digit hex digest",
        ),
        (f"{path}#badtags", "no version imported: tags must be a list of strings"),
        (f"{path}#[3]", "entry is not a mapping"),
    ]
    assert [v.model.ref.external_id for v in parsed.versions] == ["good"]
    assert parsed.versions[0].model.organization_slug == "acme"
