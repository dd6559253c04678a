"""Cost estimates and the cheapest offer."""

import math

from app.services.costs import Offer, cheapest, estimate, rank_by_cost, token_cost, valid_ratio


def test_token_cost_arithmetic():
    assert token_cost(1_000_000, 2.5) == 2.5
    assert token_cost(250_000, 10.0) == 2.5
    assert token_cost(0, None) == 0.0
    assert token_cost(5, None) is None
    # BigInt-sized workloads stay exact enough.
    assert math.isclose(token_cost(10**12, 0.15) or 0, 150_000.0)


def test_estimate_sums_both_sides():
    cost = estimate(2_000_000, 500_000, Offer(3.0, 15.0, "a"))
    assert (cost.input_cost, cost.output_cost, cost.total_cost) == (6.0, 7.5, 13.5)
    missing = estimate(1, 1, Offer(None, 1.0, "b"))
    assert missing.input_cost is None and missing.total_cost is None
    assert estimate(0, 10, Offer(None, 1.0, "c")).total_cost == 10 / 1_000_000


def test_rank_by_cost_cheapest_first_unknown_last_ties_by_key():
    offers = [
        Offer(None, 1.0, "unknown"),
        Offer(1.0, 4.0, "z-tie"),
        Offer(1.0, 4.0, "a-tie"),
        Offer(0.5, 1.0, "cheap"),
        Offer(10.0, 30.0, "dear"),
    ]
    order = rank_by_cost(1000, 1000, offers)
    assert [offers[i].key for i in order] == ["cheap", "a-tie", "z-tie", "dear", "unknown"]


def test_cheapest_by_blended_price_depends_on_ratio():
    offers = [Offer(1.0, 10.0, "input-cheap"), Offer(4.0, 4.0, "flat"), Offer(None, 0.1, "x")]
    # 3:1 → (3+10)/4 = 3.25 vs 4.0; 1:3 → (1+30)/4 = 7.75 vs 4.0.
    assert cheapest(offers, 3.0) == 0
    assert cheapest(offers, 1 / 3) == 1
    assert cheapest([Offer(None, None, "n")], 3.0) is None
    assert cheapest([Offer(2.0, 2.0, "b"), Offer(2.0, 2.0, "a")], 3.0) == 1


def test_valid_ratio():
    assert valid_ratio(3.0) and valid_ratio(0.01)
    assert not valid_ratio(0.0) and not valid_ratio(-1.0)
    assert not valid_ratio(math.inf) and not valid_ratio(math.nan)
