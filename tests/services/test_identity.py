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
    index.add_model(-1, "new-model", organization="x")
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


def _meta_index() -> IdentityIndex:
    """Meta's model (llm-stats) and Qwen's, as the writer indexes them (with organizations)."""
    index = IdentityIndex(load_aliases())
    index.add_model(1, "llama-3.1-8b-instruct", organization="meta")
    index.add_external_id(1, "llm-stats", "llama-3.1-8b-instruct")
    index.add_model(2, "qwen2-72b-instruct", organization="qwen")
    index.add_external_id(2, "llm-stats", "qwen2-72b-instruct")
    return index


@pytest.mark.parametrize(
    ("source", "external_id", "hf_repo", "owner"),
    [
        (
            "open-llm-leaderboard",
            "jebish7/Llama-3.1-8B-Instruct",
            "jebish7/Llama-3.1-8B-Instruct",
            "jebish7",
        ),
        (
            "open-llm-leaderboard",
            "meta-llama/Llama-3.1-8B-Instruct",
            "meta-llama/Llama-3.1-8B-Instruct",
            "meta",
        ),
        ("open-llm-leaderboard", "Qwen/Qwen2-72B-Instruct", "Qwen/Qwen2-72B-Instruct", "qwen"),
        ("open-llm-leaderboard", "gpt2", None, None),  # legacy root-level repo
        ("openrouter", "meta-llama/llama-3.1-8b-instruct", None, "meta"),
        ("openrouter", "mistralai/mistral-small", "mistralai/Mistral-Small", "mistral"),
        ("openrouter", "x-ai/grok-4", None, "xai"),
        ("openrouter", "openrouter/auto", None, None),  # the router itself names no maker
        ("localai", "llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct", "meta"),
        ("localai", "llama-3.1-8b-instruct", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", None),
        ("localai", "hermes-3-llama-3.1-8b", "NousResearch/Hermes-3-Llama-3.1-8B", "nousresearch"),
        ("gpt4all", "Meta-Llama-3-8B-Instruct.Q4_0.gguf", "TheBloke/x-GGUF", None),
        ("gpt4all", "x.gguf", None, None),
        # other sources' prefixes are providers or paths, not owners
        ("litellm", "together_ai/meta-llama/Llama-3.1-8B-Instruct", None, None),
        ("epoch", "chutes/gpt-oss-120b", None, None),
        ("llm-stats", "llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct", None),
    ],
)
def test_reference_owner(
    source: str, external_id: str, hf_repo: str | None, owner: str | None
) -> None:
    assert identity.reference_owner(source, external_id, hf_repo) == owner


def test_another_owners_repo_of_the_same_name_is_not_the_makers_model() -> None:
    index = _meta_index()
    for repo in ("jebish7/Llama-3.1-8B-Instruct", "someone/Qwen2-72B-Instruct"):
        match = index.match("open-llm-leaderboard", repo, hf_repo=repo)
        assert match.model_id is None and not match.ambiguous, repo


def test_the_makers_own_repo_joins_the_makers_model() -> None:
    index = _meta_index()
    repo = "meta-llama/Llama-3.1-8B-Instruct"
    assert index.match("open-llm-leaderboard", repo, hf_repo=repo).model_id == 1
    qwen = "Qwen/Qwen2-72B-Instruct"
    assert index.match("open-llm-leaderboard", qwen, hf_repo=qwen).model_id == 2
    assert index.match("openrouter", "meta-llama/llama-3.1-8b-instruct").model_id == 1
    assert index.match("openrouter", "qwen/qwen2-72b-instruct").model_id == 2


def test_owner_applies_to_the_alias_tier_too() -> None:
    index = IdentityIndex(load_aliases())
    index.add_model(1, "claude-haiku-4-5-20251015", organization="anthropic")
    index.add_external_id(1, "llm-stats", "claude-haiku-4-5-20251015")
    assert index.match("openrouter", "anthropic/claude-haiku-4-5-20251001").tier == 4
    assert index.match("openrouter", "anthropic/claude-haiku-4-5-20251001").model_id == 1
    assert index.match("openrouter", "someone/claude-haiku-4-5-20251001").model_id is None


def test_the_exact_hf_repo_tier_ignores_owners() -> None:
    """Same repo, same model (tier 3), whatever organization the model was filed under."""
    index = IdentityIndex()
    index.add_model(1, "some-model", hf_repo="jebish7/Llama-3.1-8B-Instruct", organization="x")
    match = index.match("openrouter", "y/other-name", hf_repo="jebish7/llama-3.1-8b-instruct")
    assert (match.model_id, match.tier) == (1, 3)


def test_owner_less_name_prefers_the_maker_over_re_uploads() -> None:
    """Once a fine-tune under another owner exists with the same name, a bare name (Epoch,
    LMArena, LiteLLM provider paths, re-packaged gallery files) is still the maker's model."""
    index = _meta_index()
    repo = "jebish7/Llama-3.1-8B-Instruct"
    index.add_model(-1, "llama-3.1-8b-instruct", organization="jebish7")
    index.add_external_id(-1, "open-llm-leaderboard", repo, repo)
    assert index.match("open-llm-leaderboard", repo, repo).model_id == -1  # tier 1
    for source, ref, hf in [
        ("epoch", "Llama-3.1-8B-Instruct", None),
        ("litellm", "together_ai/meta-llama/Llama-3.1-8B-Instruct", None),
        ("localai", "llama-3.1-8b-instruct", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"),
        ("localai", "meta-llama-3.1-8b-instruct", "meta-llama/Llama-3.1-8B-Instruct"),
    ]:
        match = index.match(source, ref, hf)
        assert (match.model_id, match.tier) == (1, 2), (source, ref)


def test_owner_less_name_without_the_makers_model_stays_ambiguous() -> None:
    index = IdentityIndex()
    index.add_model(1, "hermes-x", organization="a")
    index.add_model(2, "hermes-x", organization="b")
    match = index.match("epoch", "hermes-x")
    assert match.ambiguous and match.candidates == (1, 2)


def test_owner_filter() -> None:
    candidates = {1: "meta", 2: "jebish7", 3: None}
    # 3's maker is unknown (filed under a seller): the name decides, as without owners
    assert identity.owner_filter(candidates, "llama-3-8b", "meta") == {1, 3}
    assert identity.owner_filter(candidates, "llama-3-8b", "nobody") == {3}
    assert identity.owner_filter({1: "meta", 2: "jebish7"}, "llama-3-8b", "jebish7") == {2}
    assert identity.owner_filter(candidates, "llama-3-8b", None) == {1}
    assert identity.owner_filter({2: "jebish7"}, "llama-3-8b", None) == {2}
    assert identity.owner_filter(candidates, "hermes-3", None) == {1, 2, 3}


def test_attested_organization() -> None:
    """LiteLLM files a model under its seller unless the name reveals the maker."""
    assert identity.attested_organization("litellm", "bedrock_converse", "minimax-m2") is None
    assert identity.attested_organization("litellm", "meta", "llama-3.1-8b-instruct") == "meta"
    assert identity.attested_organization("llm-stats", "meta-llama", "x") == "meta"
    assert identity.attested_organization("open-llm-leaderboard", "jebish7", "y") == "jebish7"


def test_seller_filed_models_still_join_by_name() -> None:
    """OpenRouter's `minimax/minimax-m2` joins the model LiteLLM filed under a seller."""
    index = IdentityIndex()
    org = identity.attested_organization("litellm", "bedrock_converse", "minimax-m2")
    index.add_model(1, "minimax-m2", organization=org)
    assert index.match("openrouter", "minimax/minimax-m2").model_id == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("llama-3-1-70b-instruct", "llama-3.1-70b-instruct"),
        ("llama-3.1-70b-instruct", "Llama3_1-70B-Instruct"),
        ("ollama/llama3.1:70b-instruct", "llama-3.1-70b-instruct"),
        ("gemini-1-5-pro", "gemini-1.5-pro"),
        ("Claude 3.5 Haiku (20241022)", "claude-3-5-haiku-20241022"),
        ("gemma2-9b-it", "gemma-2-9b-it"),
        ("Command R+ (08-2024)", "command-r-plus-08-2024"),
    ],
)
def test_spellings_of_one_model_share_a_key(a: str, b: str) -> None:
    key = identity.spelling_key
    assert key(normalize_id(a)) == key(normalize_id(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("opt-1.3b", "opt-13b"),  # a separator between two numbers is kept
        ("Command R+ (08-2024)", "Command R (08-2024)"),  # "+" is a word, not a separator
        ("llama-3-8b", "llama-38b"),
        ("qwen2.5-7b", "qwen2-57b"),
    ],
)
def test_different_models_keep_different_keys(a: str, b: str) -> None:
    key = identity.spelling_key
    assert key(normalize_id(a)) != key(normalize_id(b))


def test_a_slug_has_the_key_of_the_id_it_was_made_from() -> None:
    for raw in ("ollama/llama2:13b", "Claude Opus 4 (20250514)", "openchat_3.5", "a..b"):
        normalized = normalize_id(raw)
        slug = identity.slugify(normalized)
        assert identity.spelling_key(slug) == identity.spelling_key(normalized), raw
