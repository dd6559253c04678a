"""Fixed-window counting (app/services/rate_limit.py) with an injected clock: no sleeps."""

import pytest

from app.services.rate_limit import FixedWindowCounter, Window, decide, window_at

MINUTE = 1_700_000_040  # a multiple of 60: the start of a window


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_windows_are_aligned_to_the_minute():
    assert window_at(MINUTE) == Window(start=MINUTE, reset=MINUTE + 60)
    assert window_at(MINUTE + 59.9) == Window(start=MINUTE, reset=MINUTE + 60)
    assert window_at(MINUTE + 60) == Window(start=MINUTE + 60, reset=MINUTE + 120)
    assert window_at(MINUTE + 5, seconds=10) == Window(start=MINUTE, reset=MINUTE + 10)


def test_decide_counts_down_and_refuses_past_the_limit():
    window = window_at(MINUTE)
    first = decide(1, 3, MINUTE + 10.5, window)
    assert (first.allowed, first.remaining, first.reset) == (True, 2, MINUTE + 60)
    assert first.retry_after == 50  # ceil(49.5)
    assert decide(3, 3, MINUTE + 10, window).allowed
    assert decide(3, 3, MINUTE + 10, window).remaining == 0
    over = decide(4, 3, MINUTE + 10, window)
    assert (over.allowed, over.remaining, over.limit) == (False, 0, 3)


def test_retry_after_is_at_least_one_second():
    assert decide(4, 3, MINUTE + 59.99, window_at(MINUTE)).retry_after == 1


def test_counter_refuses_the_request_after_the_limit_until_the_window_ends():
    clock = Clock(MINUTE + 30)
    counter = FixedWindowCounter(3, clock=clock)
    verdicts = [counter.hit("ip:10.0.0.1") for _ in range(4)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert [v.remaining for v in verdicts] == [2, 1, 0, 0]
    assert verdicts[-1].retry_after == 30
    clock.now = MINUTE + 59.5
    assert not counter.hit("ip:10.0.0.1").allowed
    clock.now = MINUTE + 60
    fresh = counter.hit("ip:10.0.0.1")
    assert (fresh.allowed, fresh.remaining, fresh.reset) == (True, 2, MINUTE + 120)


def test_each_client_has_its_own_budget():
    counter = FixedWindowCounter(1, clock=Clock(MINUTE))
    assert counter.hit("token:1").allowed
    assert not counter.hit("token:1").allowed
    assert counter.hit("token:2").allowed
    assert counter.hit("ip:10.0.0.1").allowed


def test_old_windows_are_forgotten():
    clock = Clock(MINUTE)
    counter = FixedWindowCounter(5, clock=clock)
    for client in range(10):
        counter.hit(f"ip:10.0.0.{client}")
    assert counter.tracked_clients() == 10
    clock.now = MINUTE + 61
    counter.hit("ip:10.0.0.1")
    assert counter.tracked_clients() == 1


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError):
        FixedWindowCounter(0)
