"""What each file of Epoch AI's Benchmarking Hub export holds: its score column, the scale of
that column, and the catalog benchmark it feeds.

Benchmark slugs are derived from the file name (`_external` dropped, `_` -> `-`) unless the
table below says otherwise. Where the concept is the same as an llm-stats benchmark, the slug is
the llm-stats id (marked `shared`), so scores from both sources sit on one benchmark; such a
benchmark keeps llm-stats' name, first category and `max_score` 1.0 (llm-stats stores fractions),
and an Epoch score on another scale (aider's and LiveBench's 0-100) carries its own `max_score`.

Scales: `fraction` 0-1 (normalized = x100), `percent` 0-100 (normalized as is), `ten` 0-10
(normalized = x10), `unbounded` (Elo ratings, points, minutes, an index: normalized None).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Scale = Literal["fraction", "percent", "ten", "unbounded"]

SCALE_MAX: dict[Scale, float | None] = {
    "fraction": 1.0,
    "percent": 100.0,
    "ten": 10.0,
    "unbounded": None,
}

# Columns that tell apart several rows of one model in one file (the run's settings); their
# values go into the score's `variant` after the reasoning effort.
SETTING_COLUMNS = ("Shots", "Agent", "Scaffold", "Tools", "Prompt", "LiveBench Version")
# Row ids used to keep apart rows that still share (model, variant) within one file.
ROW_ID_COLUMNS = ("id", "ID", "UUID")
SOURCE_LINK_COLUMNS = ("Source link", "Source Link", "Source link (site from table)")
# When a leaderboard row was recorded, in order of preference (Epoch-run files: "Started at").
DATE_COLUMNS = ("Started at", "Date run", "Run date", "Date added", "Last updated", "Date")


@dataclass(frozen=True, slots=True)
class FileSpec:
    column: str  # the score column
    scale: Scale
    slug: str
    name: str
    category: str | None = None
    shared: bool = False  # the slug is an llm-stats benchmark id (max_score 1.0 there)
    uncertainty: str | None = None  # a standard-error column, on `uncertainty_scale`
    uncertainty_scale: Scale | None = None  # defaults to `scale`
    interval: tuple[str, str] | None = None  # (low, high) columns of a confidence interval
    interval_text: str | None = None  # a "+a/-b" confidence-interval column

    @property
    def benchmark_max(self) -> float | None:
        return 1.0 if self.shared else SCALE_MAX[self.scale]


def _run(slug: str, name: str, category: str, shared: bool = False) -> FileSpec:
    """An Epoch-run file: `mean_score` fraction, `stderr` fraction, `Started at`."""
    return FileSpec("mean_score", "fraction", slug, name, category, shared, uncertainty="stderr")


# File stem (without `.csv`) -> spec. Epoch-run files first, then `*_external.csv`.
SPECS: dict[str, FileSpec] = {
    "chess_puzzles": _run("chess-puzzles", "Chess Puzzles", "reasoning"),
    "frontiermath": _run("frontiermath", "FrontierMath", "math", shared=True),
    "frontiermath_tier_4": _run("frontiermath-tier-4", "FrontierMath Tier 4", "math"),
    "gpqa_diamond": _run("gpqa", "GPQA", "reasoning", shared=True),
    "math_level_5": _run("math-level-5", "MATH Level 5", "math"),
    "otis_mock_aime_2024_2025": _run("otis-mock-aime", "OTIS Mock AIME 2024-2025", "math"),
    "simpleqa_verified": _run("simpleqa-verified", "SimpleQA Verified", "general"),
    "swe_bench_verified": _run("swe-bench-verified", "SWE-Bench Verified", "reasoning", True),
    "adversarial_nli_external": FileSpec(
        "Score", "fraction", "adversarial-nli", "Adversarial NLI", "language"
    ),
    "aider_polyglot_external": FileSpec(
        "Percent correct", "percent", "aider-polyglot", "Aider-Polyglot", "general", True
    ),
    "apex_agents_external": FileSpec(
        "Pass@1 score",
        "fraction",
        "apex-agents",
        "APEX-Agents",
        "agents",
        uncertainty="Pass@1 Standard Error",
        uncertainty_scale="percent",  # 0.9-3.6: percentage points, while the score is 0-1
    ),
    "arc_agi_2_external": FileSpec(
        "Score", "fraction", "arc-agi-v2", "ARC-AGI v2", "reasoning", True
    ),
    "arc_agi_external": FileSpec("Score", "fraction", "arc-agi", "ARC-AGI", "reasoning", True),
    "arc_ai2_external": FileSpec(
        "Challenge score", "fraction", "arc-c", "ARC-C", "reasoning", True
    ),
    "balrog_external": FileSpec(
        "Average progress",
        "fraction",
        "balrog",
        "BALROG",
        "agents",
        uncertainty="Average Standard error",
    ),
    "bbh_external": FileSpec("Average", "fraction", "bbh", "BBH", "reasoning", True),
    "bool_q_external": FileSpec("Score", "fraction", "boolq", "BoolQ", "language", True),
    "cad_eval_external": FileSpec(
        "Overall pass (%)", "fraction", "cad-eval", "CAD-Eval", "code"
    ),  # named "(%)" but stored as a fraction (0.12-0.74)
    "common_sense_qa_2_external": FileSpec(
        "Score", "fraction", "commonsenseqa-2", "CommonsenseQA 2.0", "reasoning"
    ),
    "cybench_external": FileSpec("Unguided % Solved", "fraction", "cybench", "Cybench", "security"),
    "deepresearchbench_external": FileSpec(
        "Average score", "fraction", "deep-research-bench", "Deep Research Bench", "agents"
    ),
    "fictionlivebench_external": FileSpec(
        "120k token score",
        "fraction",
        "fiction-live-bench",
        "Fiction.LiveBench (120k tokens)",
        "long-context",
    ),
    # ACW Avg Score is GeoGuessr-style points; the export documents no maximum.
    "geobench_external": FileSpec(
        "ACW Avg Score", "unbounded", "geobench", "GeoBench (ACW average score)", "vision"
    ),
    "gso_external": FileSpec("Score OPT@1", "fraction", "gso", "GSO", "code"),
    "gsm8k_external": FileSpec("EM", "fraction", "gsm8k", "GSM8k", "math", True),
    "hella_swag_external": FileSpec(
        "Overall accuracy", "fraction", "hellaswag", "HellaSwag", "reasoning", True
    ),
    "hle_external": FileSpec(
        "Accuracy",
        "fraction",
        "hle",
        "HLE",
        "reasoning",
        True,
        uncertainty="Accuracy Standard Error",
    ),
    "lambada_external": FileSpec("Score", "fraction", "lambada", "LAMBADA", "language"),
    "lech_mazur_writing_external": FileSpec(
        "Mean score", "ten", "lech-mazur-writing", "Lech Mazur Creative Writing", "writing"
    ),
    "live_bench_external": FileSpec(
        "Global average", "percent", "livebench", "LiveBench", "math", True
    ),
    "metr_time_horizons_external": FileSpec(
        "Time horizon",
        "unbounded",
        "metr-time-horizon",
        "METR Time Horizon (minutes)",
        "agents",
        interval=("CI_low", "CI_high"),
    ),
    "mmlu_external": FileSpec("EM", "fraction", "mmlu", "MMLU", "general", True),
    "open_book_qa_external": FileSpec(
        "Accuracy", "fraction", "openbookqa", "OpenBookQA", "reasoning", True
    ),
    "os_world_external": FileSpec("Score", "percent", "osworld", "OSWorld", "multimodal", True),
    "piqa_external": FileSpec("Score", "fraction", "piqa", "PIQA", "reasoning", True),
    "science_qa_external": FileSpec(
        "Score", "fraction", "scienceqa", "ScienceQA", "reasoning", True
    ),
    "simplebench_external": FileSpec(
        "Score (AVG@5)", "fraction", "simplebench", "SimpleBench", "reasoning"
    ),
    "superglue_external": FileSpec("Score", "fraction", "superglue", "SuperGLUE", "general", True),
    # swebench.com's bash-only leaderboard (mini-SWE-agent), not an Epoch run despite the name.
    "swe_bench_bash": FileSpec(
        "% Resolved", "fraction", "swe-bench-bash-only", "SWE-bench Bash Only", "code"
    ),
    "terminalbench_external": FileSpec(
        "Accuracy mean",
        "fraction",
        "terminal-bench-2",
        "Terminal-Bench 2.0",
        "code",
        uncertainty="Accuracy SE",
    ),
    "the_agent_company_external": FileSpec(
        "% Score", "fraction", "the-agent-company", "TheAgentCompany", "agents"
    ),
    "trivia_qa_external": FileSpec("EM", "fraction", "triviaqa", "TriviaQA", "general", True),
    "video_mme_external": FileSpec(
        "Overall (no subtitles)", "fraction", "video-mme", "Video-MME", "multimodal", True
    ),
    "vpct_external": FileSpec("Correct", "fraction", "vpct", "VPCT", "vision"),
    "webdev_arena_external": FileSpec(
        "Arena Score",
        "unbounded",
        "webdev-arena",
        "WebDev Arena",
        "code",
        interval_text="Score 95% CI",
    ),
    "weirdml_external": FileSpec("Accuracy", "fraction", "weirdml", "WeirdML", "code"),
    "wino_grande_external": FileSpec(
        "Accuracy", "fraction", "winogrande", "Winogrande", "reasoning", True
    ),
    "epoch_capabilities_index": FileSpec(
        "ECI Score", "unbounded", "epoch-capabilities-index", "Epoch Capabilities Index", "general"
    ),
}

# Vendor-published pages: a score whose source link is on the model's own organization's site
# is SELF_REPORTED; everything else (papers, leaderboards, Epoch's own runs) is THIRD_PARTY.
# Papers count as third-party: a technical report also reports competitors' numbers and its
# authors cannot be told from the link. (host suffix, word in the row's `Organization`)
VENDOR_HOSTS: tuple[tuple[str, str], ...] = (
    ("anthropic.com", "anthropic"),
    ("openai.com", "openai"),
    ("deepmind.google", "google"),
    ("blog.google", "google"),
    ("ai.google.dev", "google"),
    ("ai.meta.com", "meta"),
    ("mistral.ai", "mistral"),
    ("x.ai", "xai"),
    ("deepseek.com", "deepseek"),
    ("qwenlm.github.io", "alibaba"),
    ("inflection.ai", "inflection"),
)
