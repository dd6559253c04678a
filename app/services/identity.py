"""Model identity across sources: id normalization and the matching tiers (pure, no I/O).

A source names a model its own way (`gpt-4o-2024-08-06`, `azure/eu/gpt-4o-2024-08-06`,
`bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0`, `claude-opus-4-20250514_32K`). The
importers keep every one of those ids and attach it to one canonical model, chosen by tiers:

1. the exact (source, external id) pair is already known;
2. the normalized id (`normalize_id`) equals a known model's normalized slug or the normalized
   form of any external id already attached to it;
3. the Hugging Face repo id (case-insensitive) equals one already known for a model;
4. the alias table (app/importers/aliases.json) names the id and another id of a known model.

A tier that finds two or more models is ambiguous: it is reported, never guessed. For sources
that give each model one id (all but `MANY_IDS_PER_MODEL`), tiers 3 and 4 skip models that
already hold another id of the same source: there, distinct ids are distinct models (two
llm-stats models share a weights repo: DeepSeek-R1 and R1-Zero).

Owners (`reference_owner`, `owner_filter`). A repo name alone does not say whose model it is:
`jebish7/Llama-3.1-8B-Instruct` (a fine-tune or re-upload) is not Meta's
`meta-llama/Llama-3.1-8B-Instruct`. So the name-based tiers (2 and 4) look at organizations:

- a reference that carries an owner (the Open LLM Leaderboard's HF repo `owner/name`,
  OpenRouter's vendor prefix `meta-llama/...`, a gallery entry's HF repo) joins only a model of
  the same maker after `canonical_organization` (`meta-llama` -> `meta`, `mistralai` ->
  `mistral`, `Qwen` -> `qwen`); nothing else matches, so another owner's repo becomes a model of
  its own under that owner's organization;
- in the galleries (LocalAI, GPT4All) a quantized re-upload of the same weights is the same
  model: their HF repo is the documented base repo when the entry links it, and a repo of a
  known re-packager (`REPACKAGERS`: `bartowski`, `TheBloke`, `unsloth`, `mradermacher`, ...)
  gives no owner, so the entry is matched by its name as an owner-less reference;
- an owner-less reference (Epoch, LMArena, LiteLLM's provider paths, re-packaged gallery
  entries) whose tier finds models of several organizations keeps those of the maker its name
  reveals (`llama-...` -> `meta`), when there are any: a bare name is its maker's model, and
  re-uploads under other owners answer only to their own `owner/name` id.

Tier 1 (the id itself) and tier 3 (the exact HF repo: same repo, same model) ignore owners.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Sources that list one model under many ids (one per provider, region or quantized file).
# Epoch names one model per provider it ran through (`gpt-oss-120b`, `chutes/gpt-oss-120b`).
MANY_IDS_PER_MODEL = frozenset({"litellm", "localai", "gpt4all", "epoch"})

# Sources whose ids or HF repos name the model's owner (see `reference_owner`).
OWNER_SOURCES = frozenset({"open-llm-leaderboard", "openrouter", "localai", "gpt4all"})
GALLERIES = frozenset({"localai", "gpt4all"})
# Hugging Face accounts that re-publish other makers' weights (quantized GGUF files): in a
# gallery their repo says nothing about whose model it is. Lowercase.
REPACKAGERS = frozenset(
    {
        "bartowski",
        "thebloke",
        "unsloth",
        "mradermacher",
        "quantfactory",
        "maziyarpanahi",
        "lmstudio-community",
        "second-state",
        "ggml-org",
        "ggerganov",
        "mudler",
        "gpt4all-community",
        "nomic-ai",
        "tensorblock",
        "devquasar",
        "lonestriker",
        "leafspark",
        "angelslim",
    }
)

# Cloud region prefixes (Bedrock "us.anthropic...", "eu.", "apac.", "global.").
_REGION = re.compile(r"^(?:us|eu|apac|ap|global|jp|au|ca|us-gov)\.")
# Vendor prefixes in Bedrock-style dotted ids ("anthropic.claude-...", "meta.llama3-...").
_DOTTED_VENDOR = re.compile(
    r"^(?:anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|moonshot"
    r"|minimax|google|nvidia|twelvelabs|stability|luma)\."
)
# Epoch reasoning effort / thinking budget: "_high", "_medium", "_32K", "_unknown", "_thinking".
EFFORT = re.compile(r"_(x?high|medium|low|minimal|none|unknown|max|thinking|\d+[kK])$")
# Bedrock model revision "-v1:0", "-v2:0".
_BEDROCK_REVISION = re.compile(r"-v\d+:\d+$")
# OpenRouter variants ("google/gemma-3-27b-it:free").
_ROUTER_VARIANT = re.compile(r":(?:free|beta|extended|nitro|floor|online|thinking|exacto)$")
# Vertex "@20240620" (a date: kept as "-20240620") or "@001"/"@latest" (dropped).
_AT_DATE = re.compile(r"@(\d{8})$")
_AT_OTHER = re.compile(r"@[\w.-]*$")
# Fireworks writes the decimal point as "p": "llama-v3p1-405b" -> "llama-v3.1-405b".
_FIREWORKS_P = re.compile(r"(?<=\d)p(?=\d)")
_FIREWORKS_LLAMA = re.compile(r"^llama-v(?=\d)")
_SPACES = re.compile(r"\s+")
# A trailing "+" of a name is a word of it: LMArena's "Command R+ (08-2024)" is Cohere's
# `command-r-plus-08-2024`, not `command-r-08-2024` (slugs have no "+").
_PLUS = re.compile(r"(\w)\+(?![\w+])")
_HF_URL = re.compile(r"^https?://(?:www\.)?huggingface\.co/([^/\s]+/[^/\s?#]+)")


def normalize_id(raw: str) -> str:
    """A source's model id reduced to what identifies the model itself.

    Lowercase, runs of spaces as `-` (Epoch's `Llama-4-Scout-17B-16E Instruct`); drops
    provider and path prefixes (`openai/`, `gemini/`, `bedrock/us-east-1/`,
    `together_ai/meta-llama/`), region and vendor prefixes of dotted ids, `-v1:0`, `@version`,
    OpenRouter `:free`-style variants, a leading `~`, and Epoch effort suffixes (`split_effort`);
    turns Fireworks' `3p1` into `3.1`; drops a leading vendor word that names the family's own
    maker (`meta-llama-3.1-8b` -> `llama-3.1-8b`, see `_strip_vendor_word`); a trailing `+`
    of a word becomes `-plus` (`command-r+` -> `command-r-plus`). Dots, dashes and underscores
    are kept (slugs are made from this): `spelling_key` unifies them where models of one
    organization are merged (app/services/spelling_merge.py).
    """
    text = _PLUS.sub(r"\1-plus", raw.strip().lower().lstrip("~"))
    text = split_effort(_SPACES.sub("-", text))[0]
    text = text.rsplit("/", 1)[-1]
    text = _ROUTER_VARIANT.sub("", text)
    text = _REGION.sub("", text)
    text = _DOTTED_VENDOR.sub("", text)
    text = _BEDROCK_REVISION.sub("", text)
    text = _AT_DATE.sub(r"-\1", text)
    text = _AT_OTHER.sub("", text)
    if "fireworks" in raw.lower() or _FIREWORKS_LLAMA.match(text):
        text = _FIREWORKS_P.sub(".", text)
        text = _FIREWORKS_LLAMA.sub("llama-", text)
    return _strip_vendor_word(text)


# Separators do not tell two models apart: every run of characters other than letters and
# digits (dots, dashes, underscores, spaces, brackets, Ollama's `:` tag), as in a slug
# (`slugify`), so a model's slug and the ids it was made from have one key.
_SEPARATORS = re.compile(r"[^a-z0-9]+")
# A separator between a word and a number: `llama-3` = `llama3`, `gemma-2-9b` = `gemma2-9b`.
_WORD_NUMBER = re.compile(r"(?<=[a-z])-(?=\d)")


def spelling_key(normalized: str) -> str:
    """A normalized id reduced to what its spelling cannot change: lowercase,
    every run of separators (anything but letters and digits: `.`, `-`, `_`, `:`, spaces,
    brackets) as one `-`, none between a word and the number after it.
    `llama-3.1-70b-instruct`, `llama-3-1-70b-instruct`, `Llama3_1-70B-Instruct`, Ollama's
    `llama3.1:70b-instruct` -> `llama3-1-70b-instruct`. A separator between two numbers stays
    (`1.3b` is not `13b`); `normalize_id` has already turned a trailing `+` into `-plus`."""
    key = _SEPARATORS.sub("-", normalized.lower()).strip("-")
    return _WORD_NUMBER.sub("", key) or normalized.lower()


def split_effort(model_version: str) -> tuple[str, str]:
    """`claude-opus-4-20250514_32K` -> (`claude-opus-4-20250514`, `32K`); no suffix: (id, "")."""
    found = EFFORT.search(model_version)
    if found is None:
        return model_version, ""
    return model_version[: found.start()], found.group(1)


def _strip_vendor_word(text: str) -> str:
    """A leading vendor word that names the model family's own maker is dropped:
    `meta-llama-3.1-8b-instruct` -> `llama-3.1-8b-instruct` (LMArena, LiteLLM),
    `mistralai_mistral-small-3.1-24b-instruct-2503` -> `mistral-small-...` (LocalAI's
    `owner_repo` ids). Kept when the maker differs: `nvidia_llama-3.1-8b-ultralong` is NVIDIA's
    fine-tune, not Meta's model."""
    for word in _VENDOR_WORDS:
        if len(text) > len(word) + 1 and text.startswith(word) and text[len(word)] in "-_":
            rest = text[len(word) + 1 :]
            maker = _maker(rest)
            if maker is not None and maker == canonical_organization(word):
                return rest
    return text


def hf_repo_from_url(url: str | None) -> str | None:
    """`https://huggingface.co/Qwen/Qwen3-32B` -> `qwen/qwen3-32b` (None when not an HF URL)."""
    if not url:
        return None
    found = _HF_URL.match(url.strip())
    return found.group(1).lower() if found else None


def normalize_hf_repo(repo: str | None) -> str | None:
    if not repo or "/" not in repo.strip():
        return None
    return repo.strip().strip("/").lower()


_SLUG_CHARS = re.compile(r"[^a-z0-9._-]+")


def slugify(text: str) -> str:
    """A model or organization slug: lowercase `[a-z0-9._-]`, other runs become `-`."""
    slug = _SLUG_CHARS.sub("-", text.strip().lower()).strip("-.")
    return slug[:200] or "unnamed"


# Who makes a model, from its normalized id, where a source only tells us who sells it.
_VENDOR_PREFIXES: tuple[tuple[str, str], ...] = (
    ("claude", "anthropic"),
    ("gpt-oss", "openai"),
    ("gpt-j", "eleutherai"),
    ("gpt-neo", "eleutherai"),
    ("gpt", "openai"),
    ("chatgpt", "openai"),
    ("o1", "openai"),
    ("o3", "openai"),
    ("o4", "openai"),
    ("text-embedding", "openai"),
    ("davinci", "openai"),
    ("babbage", "openai"),
    ("gemini", "google"),
    ("gemma", "google"),
    ("palm-", "google"),  # not Writer's `palmyra`
    ("palm2", "google"),
    ("chat-bison", "google"),
    ("text-bison", "google"),
    ("llama", "meta"),
    ("meta-llama", "meta"),
    ("codellama", "meta"),
    ("mistral", "mistral"),
    ("mixtral", "mistral"),
    ("codestral", "mistral"),
    ("magistral", "mistral"),
    ("ministral", "mistral"),
    ("pixtral", "mistral"),
    ("devstral", "mistral"),
    ("deepseek", "deepseek"),
    ("qwen", "qwen"),
    ("qwq", "qwen"),
    ("qvq", "qwen"),
    ("grok", "xai"),
    ("command", "cohere"),
    ("jamba", "ai21"),
    ("nova", "amazon"),
    ("titan", "amazon"),
    ("phi", "microsoft"),
    ("kimi", "moonshotai"),
    ("glm", "zai-org"),
    ("granite", "ibm"),
    ("nemotron", "nvidia"),
)

# Vendor spellings of other sources mapped to the llm-stats organization ids.
ORGANIZATION_SYNONYMS: Mapping[str, str] = {
    "x-ai": "xai",
    "meta-llama": "meta",
    "mistralai": "mistral",
    "google-deepmind": "google",
    "moonshot": "moonshotai",
    "z-ai": "zai-org",
    "zhipuai": "zai-org",
    "ibm-granite": "ibm",
    "deepseek-ai": "deepseek",
    "microsoft-research": "microsoft",
    "amazon-bedrock": "amazon",
    # Hugging Face accounts of makers (Open LLM Leaderboard owners) and other sources' names
    "facebook": "meta",
    "meta-ai": "meta",
    "openai-community": "openai",
    "cohereforai": "cohere",
    "coherelabs": "cohere",
    "01-ai": "01.ai",
    "tiiuae": "technology-innovation-institute",
    "stabilityai": "stability-ai",
    "lmsys": "large-model-systems-organization",
    "upstage-ai": "upstage",
    "primeintellect": "prime-intellect",
    "huggingfaceh4": "huggingface",
    "huggingfacetb": "huggingface",
    "wizardlmteam": "microsoft",
}
# Fallback organizations that say the maker is unknown (Epoch rows without one).
UNKNOWN_MAKERS = frozenset({"epoch", "unknown"})


def canonical_organization(slug: str) -> str:
    """One slug per vendor (`meta-llama` -> `meta`). Of a list (Epoch's `Organization` may
    name several: "Tsinghua University,University of Illinois ..."), the first; at most 100
    characters (the organization slug's length)."""
    slug = slugify(slug.split(",")[0])[:100].strip("-.") or "unnamed"
    return ORGANIZATION_SYNONYMS.get(slug, slug)


def _maker(normalized: str) -> str | None:
    for prefix, org in _VENDOR_PREFIXES:
        if normalized.startswith(prefix):
            return org
    return None


def guess_organization(normalized: str, fallback: str) -> str:
    """The maker of a model from its normalized id, else `fallback` (e.g. the seller)."""
    return _maker(normalized) or canonical_organization(fallback)


def reference_owner(source: str, external_id: str, hf_repo: str | None) -> str | None:
    """The organization (canonical) a reference says owns the model, None when it names none.

    Open LLM Leaderboard: the HF repo's owner. OpenRouter: the id's vendor prefix
    (`meta-llama/llama-3.1-8b-instruct` -> `meta`; `openrouter/auto` names none). Galleries:
    the owner of the entry's HF repo unless a re-packager (`REPACKAGERS`). Other sources'
    prefixes are providers or paths (`together_ai/meta-llama/...`), not owners: None."""
    if source not in OWNER_SOURCES:
        return None
    if source == "openrouter":
        vendor, slash, _ = external_id.lstrip("~").partition("/")
        return canonical_organization(vendor) if slash and vendor != "openrouter" else None
    repo = normalize_hf_repo(hf_repo)
    if repo is None:
        return None
    owner = repo.split("/", 1)[0]
    if source in GALLERIES and owner in REPACKAGERS:
        return None
    return canonical_organization(owner)


# Sources that file a model under its seller when its name reveals no maker (LiteLLM's
# `litellm_provider`: `bedrock_converse/minimax-m2` is filed under bedrock_converse).
SELLER_FILED = frozenset({"litellm"})


def attested_organization(model_source: str, organization: str, slug: str) -> str | None:
    """A model's organization as evidence of its maker, for `owner_filter`: None where the
    source that created the model filed it under a seller (`SELLER_FILED`) and its name does
    not reveal that organization as the maker, or the organization is a placeholder
    (`UNKNOWN_MAKERS`): the maker is then unknown."""
    org = canonical_organization(organization)
    if org in UNKNOWN_MAKERS:
        return None
    if model_source in SELLER_FILED and _maker(normalize_id(slug)) != org:
        return None
    return org


def owner_filter(
    candidates: Mapping[int, str | None], normalized: str, owner: str | None
) -> set[int]:
    """The candidates (model id -> canonical organization) a name-based tier may join.

    With an owner: the owner's models and models whose maker is unknown (None: filed under a
    seller, see `attested_organization`). Without: all, except that models of several
    organizations narrow to those of the maker the name reveals, when there are any."""
    if owner is not None:
        return {c for c, org in candidates.items() if org is None or org == owner}
    if len(set(candidates.values())) > 1:
        maker = _maker(normalized)
        makers = {c for c, org in candidates.items() if maker is not None and org == maker}
        if makers:
            return makers
    return set(candidates)


# Vendor words that may lead a model id (longest first): makers and their other spellings.
_VENDOR_WORDS = tuple(
    sorted(
        {org for _, org in _VENDOR_PREFIXES} | set(ORGANIZATION_SYNONYMS),
        key=lambda word: (-len(word), word),
    )
)


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of matching one reference: a model, nothing, or an ambiguity."""

    model_id: int | None
    tier: int | None  # 1-4, None when nothing matched
    candidates: tuple[int, ...] = ()  # two or more when ambiguous

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


NO_MATCH = Match(None, None)


def load_alias_groups(groups: Iterable[Iterable[str]]) -> dict[str, frozenset[str]]:
    """Each group lists ids of one model; every member maps to the others (normalized)."""
    table: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        members = {normalize_id(member) for member in group}
        for member in members:
            table[member] |= members - {member}
    return {key: frozenset(value) for key, value in table.items()}


class IdentityIndex:
    """What is known about canonical models, for matching. Models may be added while matching
    (a model created by an earlier record of the same run is found by the later ones)."""

    def __init__(self, aliases: Mapping[str, frozenset[str]] | None = None) -> None:
        self.exact: dict[tuple[str, str], int] = {}
        self.by_normalized: dict[str, set[int]] = defaultdict(set)
        self.by_hf_repo: dict[str, set[int]] = defaultdict(set)
        self.sources: dict[int, set[str]] = defaultdict(set)
        self.organizations: dict[int, str] = {}  # model id -> canonical organization
        self.aliases: Mapping[str, frozenset[str]] = aliases or {}

    def add_model(
        self,
        model_id: int,
        slug: str,
        hf_repo: str | None = None,
        organization: str | None = None,
    ) -> None:
        if organization is not None:
            self.organizations[model_id] = canonical_organization(organization)
        self.by_normalized[normalize_id(slug)].add(model_id)
        repo = normalize_hf_repo(hf_repo)
        if repo:
            self.by_hf_repo[repo].add(model_id)

    def add_external_id(
        self, model_id: int, source: str, external_id: str, hf_repo: str | None = None
    ) -> None:
        self.exact.setdefault((source, external_id), model_id)
        self.sources[model_id].add(source)
        self.by_normalized[normalize_id(external_id)].add(model_id)
        repo = normalize_hf_repo(hf_repo)
        if repo:
            self.by_hf_repo[repo].add(model_id)

    def replace_model_id(self, old: int, new: int) -> None:
        """Swap a provisional id (a model about to be created) for the stored one."""
        for key, value in self.exact.items():
            if value == old:
                self.exact[key] = new
        if old in self.sources:
            self.sources[new] |= self.sources.pop(old)
        if old in self.organizations:
            self.organizations[new] = self.organizations.pop(old)
        for table in (self.by_normalized, self.by_hf_repo):
            for ids in table.values():
                if old in ids:
                    ids.discard(old)
                    ids.add(new)

    def match(self, source: str, external_id: str, hf_repo: str | None = None) -> Match:
        """The model a reference names (see the module docstring for the tiers and owners)."""
        known = self.exact.get((source, external_id))
        if known is not None:
            return Match(known, 1, (known,))
        normalized = normalize_id(external_id)
        owner = reference_owner(source, external_id, hf_repo)
        by_name = self.by_normalized.get(normalized, set())
        found = _decide(self._owned(by_name, normalized, owner), 2)
        if found is not None:
            return found
        repo = normalize_hf_repo(hf_repo)
        if repo:
            found = _decide(self._other_sources(self.by_hf_repo.get(repo, set()), source), 3)
            if found is not None:
                return found
        via_alias: set[int] = set()
        for other in self.aliases.get(normalized, frozenset()):
            via_alias |= self.by_normalized.get(other, set())
        via_alias = self._owned(via_alias, normalized, owner)
        return _decide(self._other_sources(via_alias, source), 4) or NO_MATCH

    def _owned(self, candidates: set[int], normalized: str, owner: str | None) -> set[int]:
        if not candidates:
            return candidates
        return owner_filter({c: self.organizations.get(c) for c in candidates}, normalized, owner)

    def _other_sources(self, candidates: set[int], source: str) -> set[int]:
        if source in MANY_IDS_PER_MODEL:
            return candidates
        return {c for c in candidates if source not in self.sources.get(c, ())}


def _decide(candidates: set[int], tier: int) -> Match | None:
    if not candidates:
        return None
    ordered = tuple(sorted(candidates))
    if len(ordered) > 1:
        return Match(None, tier, ordered)
    return Match(ordered[0], tier, ordered)
