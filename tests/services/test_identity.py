"""Model identity: id normalization and the matching tiers (pure functions)."""

from __future__ import annotations

import pytest

from app.importers.aliases import load_aliases
from app.services import identity
from app.services.identity import IdentityIndex, normalize_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
        ("openai/gpt-4o", "gpt-4o"),
        ("gemini/gemini-2.5-pro", "gemini-2.5-pro"),
        ("azure/eu/gpt-4o-2024-08-06", "gpt-4o-2024-08-06"),
        ("bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet-20241022"),
        ("anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307"),
        ("vertex_ai/claude-3-5-sonnet@20240620", "claude-3-5-sonnet-20240620"),
        ("chat-bison@001", "chat-bison"),
        ("google/gemma-3-27b-it:free", "gemma-3-27b-it"),
        ("~anthropic/claude-opus-latest", "claude-opus-latest"),
        (
            "fireworks_ai/accounts/fireworks/models/llama-v3p1-405b-instruct",
            "llama-3.1-405b-instruct",
        ),
        ("claude-opus-4-20250514_32K", "claude-opus-4-20250514"),
        ("gpt-5.2-2025-12-11_high", "gpt-5.2-2025-12-11"),
        ("o3-2025-04-16_unknown", "o3-2025-04-16"),
        ("Llama-3.3-70B-Instruct", "llama-3.3-70b-instruct"),
        ("together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", "llama-3.3-70b-instruct-turbo"),
        # Epoch's thinking variants and spaces
        ("DeepSeek-V3.1_thinking", "deepseek-v3.1"),
        ("glm-4.5_thinking", "glm-4.5"),
        ("chutes/Llama-4-Scout-17B-16E Instruct", "llama-4-scout-17b-16e-instruct"),
        # a leading vendor word naming the family's own maker
        ("Meta-Llama-3.1-8B-Instruct", "llama-3.1-8b-instruct"),
        ("deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "llama-3.1-8b-instruct"),
        ("meta-llama_llama-4-scout-17b-16e-instruct", "llama-4-scout-17b-16e-instruct"),
        ("mistralai_mistral-small-3.1-24b-instruct-2503", "mistral-small-3.1-24b-instruct-2503"),
        ("qwen_qwen3-32b", "qwen3-32b"),
        # ... but kept where the maker differs (a fine-tune) or nothing follows
        ("nvidia_llama-3.1-8b-ultralong-1m-instruct", "nvidia_llama-3.1-8b-ultralong-1m-instruct"),
        ("google_gemma-3-27b-it", "gemma-3-27b-it"),
        ("mistral-7b-instruct", "mistral-7b-instruct"),
    ],
)
def test_normalize_id(raw: str, expected: str) -> None:
    assert normalize_id(raw) == expected


def test_hf_repo_from_url_and_slugify() -> None:
    assert identity.hf_repo_from_url("https://huggingface.co/Qwen/Qwen3-32B") == "qwen/qwen3-32b"
    assert identity.hf_repo_from_url("https://github.com/x/y") is None
    assert identity.hf_repo_from_url(None) is None
    assert identity.slugify("Claude 3.5 Sonnet (new)") == "claude-3.5-sonnet-new"
    assert identity.guess_organization("claude-3-haiku", "bedrock") == "anthropic"
    assert identity.guess_organization("weaver", "mancer") == "mancer"
    assert identity.canonical_organization("x-ai") == "xai"
    assert identity.canonical_organization("Tsinghua University,University of Illinois") == (
        "tsinghua-university"
    )
    assert len(identity.canonical_organization("a" * 300)) == 100


def _index() -> IdentityIndex:
    index = IdentityIndex(load_aliases())
    index.add_model(1, "gpt-4o-2024-08-06")
    index.add_external_id(1, "llm-stats", "gpt-4o-2024-08-06")
    index.add_model(2, "claude-haiku-4-5-20251015")
    index.add_external_id(2, "llm-stats", "claude-haiku-4-5-20251015")
    index.add_model(3, "qwen3-32b", hf_repo="Qwen/Qwen3-32B")
    index.add_external_id(3, "llm-stats", "qwen3-32b")
    return index


def test_tier_1_exact_external_id() -> None:
    index = _index()
    index.add_external_id(1, "litellm", "some-odd-name")
    match = index.match("litellm", "some-odd-name")
    assert (match.model_id, match.tier) == (1, 1)


def test_tier_2_normalized_id() -> None:
    match = _index().match("litellm", "azure/eu/gpt-4o-2024-08-06")
    assert (match.model_id, match.tier) == (1, 2)


def test_tier_3_hugging_face_repo() -> None:
    match = _index().match("openrouter", "qwen/qwen3-32b-instruct", hf_repo="qwen/QWEN3-32B")
    assert (match.model_id, match.tier) == (3, 3)


def test_tier_4_alias_table() -> None:
    match = _index().match("litellm", "anthropic/claude-haiku-4-5-20251001")
    assert (match.model_id, match.tier) == (2, 4)


def test_no_match() -> None:
    match = _index().match("litellm", "mystery-model-9000")
    assert match.model_id is None and match.tier is None and not match.ambiguous


def test_two_candidates_are_ambiguous_never_guessed() -> None:
    index = _index()
    index.add_model(4, "gpt-4o-2024-08-06")  # the same slug under another organization
    match = index.match("litellm", "openai/gpt-4o-2024-08-06")
    assert match.ambiguous and match.model_id is None and match.candidates == (1, 4)


def test_tiers_3_and_4_skip_models_holding_another_id_of_the_same_source() -> None:
    """Two llm-stats models may share a weights repo (DeepSeek-R1 and R1-Zero): distinct ids
    of one source are distinct models."""
    index = IdentityIndex()
    index.add_model(1, "deepseek-r1", hf_repo="deepseek-ai/DeepSeek-R1")
    index.add_external_id(1, "llm-stats", "deepseek-r1")
    same_source = index.match("llm-stats", "deepseek-r1-zero", hf_repo="deepseek-ai/DeepSeek-R1")
    assert same_source.model_id is None
    other_source = index.match("openrouter", "x/r1", hf_repo="deepseek-ai/DeepSeek-R1")
    assert other_source.model_id == 1


def test_provisional_ids_are_replaced() -> None:
    index = IdentityIndex()
    index.add_model(-1, "new-model")
    index.add_external_id(-1, "litellm", "vendor/new-model")
    index.replace_model_id(-1, 42)
    assert index.match("litellm", "vendor/new-model").model_id == 42
    assert index.match("openrouter", "x/new-model").model_id == 42


def test_alias_groups_are_symmetric() -> None:
    table = identity.load_alias_groups([["a-1", "B-2"]])
    assert table == {"a-1": frozenset({"b-2"}), "b-2": frozenset({"a-1"})}


def test_split_effort_is_shared_with_epoch() -> None:
    assert identity.split_effort("claude-opus-4-20250514_32K") == ("claude-opus-4-20250514", "32K")
    assert identity.split_effort("DeepSeek-V3.1_thinking") == ("DeepSeek-V3.1", "thinking")
    assert identity.split_effort("gpt-4o") == ("gpt-4o", "")
