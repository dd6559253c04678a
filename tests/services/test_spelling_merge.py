"""Which models are one model spelled differently, and which survives (no I/O)."""

from __future__ import annotations

from app.services.spelling_merge import Candidate, merge_plan, name_key


def model(id: int, slug: str, sources: int = 0, ids: int = 0, org: int = 1, public: bool = True):
    return Candidate(id, org, slug, public, sources, ids)


def test_spellings_of_one_name_share_a_key() -> None:
    for a, b in (
        ("llama-3-1-70b-instruct", "llama-3.1-70b-instruct"),
        ("Llama-3.1-70B-Instruct", "Meta-Llama-3.1-70B-Instruct"),  # a maker's renamed repo
        ("llama3_1-70b-instruct", "llama-3.1-70b-instruct"),
        ("gemma2-9b-it", "gemma-2-9b-it"),
    ):
        assert name_key(a) == name_key(b), (a, b)
    assert name_key("opt-1.3b") != name_key("opt-13b")
    assert name_key("command-r+") != name_key("command-r")


def test_the_model_most_sources_know_survives() -> None:
    seed = model(17, "llama-3-1-8b-instruct")  # the demo's: no source names it
    llm_stats = model(101, "llama-3.1-8b-instruct", sources=7, ids=21)
    lambda_ai = model(506, "llama3.1-8b-instruct", sources=1, ids=1)
    bedrock = model(523, "llama3-1-8b-instruct", sources=1, ids=2)
    [merge] = merge_plan([seed, llm_stats, lambda_ai, bedrock])
    assert merge.survivor == llm_stats
    assert merge.absorbed == (bedrock, lambda_ai, seed)


def test_ties_go_to_more_ids_then_to_the_oldest() -> None:
    a, b = model(5, "x-1.5", sources=1, ids=1), model(3, "x-1-5", sources=1, ids=2)
    assert merge_plan([a, b])[0].survivor == b
    c, d = model(9, "y-2.0", sources=1, ids=1), model(4, "y-2-0", sources=1, ids=1)
    assert merge_plan([c, d])[0].survivor == d


def test_other_organizations_and_visibilities_stay_apart() -> None:
    plan = merge_plan(
        [
            model(1, "llama-3.1-8b", org=1),
            model(2, "llama-3-1-8b", org=2),
            model(3, "llama-3-1-8b", org=1, public=False),
            model(4, "llama-3-1-8b-instruct", org=1),
        ]
    )
    assert plan == []
