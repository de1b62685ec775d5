import random
import threading
import time

import pytest

from tui.xero.errors import RateLimited
from tui.xero.ratelimit import Backoff, Limits, RateLimiter


def run_calls(limiter, n, tenant="t1"):
    starts = []
    for _ in range(n):
        with limiter.slot(tenant):
            starts.append(limiter.clock.monotonic())
    return starts


def test_sixty_a_minute_then_waits(fake_clock):
    limiter = RateLimiter(clock=fake_clock)
    starts = run_calls(limiter, 61)
    assert starts[59] == starts[0]  # the first 60 go at once
    assert starts[60] - starts[0] == pytest.approx(60.0)  # the 61st waits for the window
    assert len(fake_clock.slept) == 1


def test_two_hundred_calls_keep_every_window_within_limit(fake_clock):
    limiter = RateLimiter(clock=fake_clock)
    starts = run_calls(limiter, 200)
    for i, start in enumerate(starts):
        in_window = [s for s in starts[: i + 1] if s > start - 60]
        assert len(in_window) <= 60
    assert starts[-1] - starts[0] == pytest.approx(180.0)


def test_scaled_limit_for_benchmarks(fake_clock):
    limiter = RateLimiter(Limits(per_minute=600), clock=fake_clock)
    starts = run_calls(limiter, 600)
    assert starts[-1] == starts[0]
    assert fake_clock.slept == []


def test_tenants_are_independent(fake_clock):
    limiter = RateLimiter(Limits(per_minute=2), clock=fake_clock)
    run_calls(limiter, 2, "a")
    run_calls(limiter, 2, "b")
    assert fake_clock.slept == []


def test_at_most_five_in_flight():
    limiter = RateLimiter()
    peak = 0
    current = 0
    lock = threading.Lock()

    def call():
        nonlocal peak, current
        with limiter.slot("t"):
            with lock:
                current += 1
                peak = max(peak, current)
            time.sleep(0.02)
            with lock:
                current -= 1

    threads = [threading.Thread(target=call) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == 5


def test_retry_after_blocks_the_tenant(fake_clock):
    limiter = RateLimiter(clock=fake_clock)
    limiter.penalise("t", 17)
    assert limiter.usage("t").blocked_for == pytest.approx(17)
    start = fake_clock.monotonic()
    with limiter.slot("t"):
        assert fake_clock.monotonic() - start == pytest.approx(17)


def test_minute_header_at_zero_waits_for_the_window(fake_clock):
    limiter = RateLimiter(clock=fake_clock)
    with limiter.slot("t"):
        pass
    fake_clock.advance(10)
    limiter.observe("t", {"X-MinLimit-Remaining": "0", "X-DayLimit-Remaining": "4000"})
    start = fake_clock.monotonic()
    with limiter.slot("t"):
        assert fake_clock.monotonic() - start == pytest.approx(50)
    assert limiter.usage("t").day_remaining == 3999


def test_app_minute_header_blocks_every_tenant(fake_clock):
    limiter = RateLimiter(clock=fake_clock)
    limiter.observe("a", {"X-AppMinLimit-Remaining": "0"})
    with limiter.slot("b"):
        assert fake_clock.slept and fake_clock.slept[0] > 0


def test_daily_budget_tracked_and_exhausted(fake_clock):
    limiter = RateLimiter(Limits(per_minute=1000, per_day=1000), clock=fake_clock)
    run_calls(limiter, 1000)
    usage = limiter.usage("t1")
    assert (usage.calls_today, usage.day_limit, usage.day_remaining) == (1000, 1000, 0)
    with pytest.raises(RateLimited) as info:
        run_calls(limiter, 1)
    assert info.value.problem == "day"
    assert "Today's Xero call limit" in str(info.value)
    fake_clock.advance(86_400)
    run_calls(limiter, 1)
    assert limiter.usage("t1").calls_today == 1


def test_day_header_from_xero_wins_over_own_count(fake_clock):
    limiter = RateLimiter(clock=fake_clock)
    limiter.observe("t", {"X-DayLimit-Remaining": "0"})
    with pytest.raises(RateLimited):
        run_calls(limiter, 1, "t")


def test_backoff_grows_with_jitter_and_cap():
    backoff = Backoff(base=1, cap=8, rng=random.Random(7))
    delays = [backoff.delay(n) for n in range(1, 7)]
    for n, d in enumerate(delays, start=1):
        ceiling = min(8, 2 ** (n - 1))
        assert ceiling / 2 <= d <= ceiling


def test_day_header_goes_stale_so_calls_resume(fake_clock):
    limiter = RateLimiter(clock=fake_clock)
    limiter.observe("t", {"X-DayLimit-Remaining": "0"})
    with pytest.raises(RateLimited) as info:
        run_calls(limiter, 1, "t")
    assert info.value.retry_after == pytest.approx(900)
    fake_clock.advance(900)
    run_calls(limiter, 1, "t")  # Xero's fresh figure comes with the answer


def test_429_for_the_day_blocks_until_retry_after(fake_clock):
    limiter = RateLimiter(clock=fake_clock)
    limiter.penalise("t", 7200, problem="day")
    with pytest.raises(RateLimited) as info:
        run_calls(limiter, 1, "t")
    assert info.value.retry_after == pytest.approx(7200)
    fake_clock.advance(7200)
    run_calls(limiter, 1, "t")
