from __future__ import annotations

import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rate_limit import (
    ADDRESS_BURST_ENV,
    ADDRESS_PER_MINUTE_ENV,
    SESSION_BURST_ENV,
    SESSION_PER_MINUTE_ENV,
    ChatRateLimits,
    Decision,
    RateLimiter,
    client_address,
    rate_limited_text,
)
from bot.readability import reading_grade


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# --- RateLimiter ---------------------------------------------------------------------------------------------


def test_burst_then_refusal() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=60, burst=5, clock=clock)
    assert [limiter.allow("a").allowed for _ in range(5)] == [True] * 5
    refused = limiter.allow("a")
    assert not refused.allowed
    assert not refused  # a Decision is truthy exactly when allowed
    assert refused.retry_after > 0


def test_refill_after_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=60, burst=3, clock=clock)  # one token a second
    for _ in range(3):
        assert limiter.allow("a").allowed
    assert not limiter.allow("a").allowed
    clock.advance(1.0)
    assert limiter.allow("a").allowed
    assert not limiter.allow("a").allowed
    clock.advance(10.0)  # refills to the burst, no further
    assert [limiter.allow("a").allowed for _ in range(4)] == [True, True, True, False]


def test_retry_after_is_exact_and_waiting_it_is_enough() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=20, burst=2, clock=clock)  # one token every 3 seconds
    limiter.allow("a")
    limiter.allow("a")
    assert limiter.allow("a").retry_after == pytest.approx(3.0)
    clock.advance(1.0)
    decision = limiter.allow("a")
    assert decision.retry_after == pytest.approx(2.0)
    clock.advance(decision.retry_after - 0.01)
    assert not limiter.allow("a").allowed
    clock.advance(0.01)
    assert limiter.allow("a") == Decision(allowed=True, retry_after=0.0)


def test_injected_now_overrides_the_clock() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, clock=lambda: pytest.fail("clock read"))
    assert limiter.allow("a", now=5.0).allowed
    assert limiter.allow("a", now=5.5).retry_after == pytest.approx(0.5)
    assert limiter.allow("a", now=6.0).allowed


def test_time_going_backwards_refills_nothing() -> None:
    limiter = RateLimiter(per_minute=60, burst=1)
    assert limiter.allow("a", now=100.0).allowed
    decision = limiter.allow("a", now=90.0)
    assert not decision.allowed
    assert decision.retry_after == pytest.approx(11.0)
    assert limiter.allow("a", now=101.0).allowed


def test_keys_are_independent() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    assert limiter.allow("a") and limiter.allow("a")
    assert not limiter.allow("a")
    assert limiter.allow("b") and limiter.allow("b")
    assert not limiter.allow("b")


def test_refused_message_consumes_nothing() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=60, burst=1, clock=clock)
    assert limiter.allow("a")
    for _ in range(50):  # hammering does not push the wait further out
        clock.advance(0.01)
        assert limiter.allow("a").retry_after == pytest.approx(1.0 - (clock.now - 1000.0), abs=1e-6)
    clock.advance(0.5)
    assert limiter.allow("a")


def test_peek_consumes_nothing_and_remembers_nothing() -> None:
    limiter = RateLimiter(per_minute=60, burst=1, clock=FakeClock())
    for _ in range(3):
        assert limiter.peek("a").allowed
    assert len(limiter) == 0
    assert limiter.allow("a")
    assert not limiter.peek("a")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"per_minute": 0, "burst": 1},
        {"per_minute": -1, "burst": 1},
        {"per_minute": float("nan"), "burst": 1},
        {"per_minute": 1, "burst": 0},
        {"per_minute": 1, "burst": 1, "max_keys": 0},
    ],
)
def test_invalid_limiter_settings_are_refused(kwargs) -> None:
    with pytest.raises(ValueError):
        RateLimiter(**kwargs)


def test_flood_of_distinct_keys_stays_bounded_and_fast() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=20, burst=8, max_keys=1000, clock=clock)
    started = time.perf_counter()
    for i in range(200_000):
        assert limiter.allow(f"key-{i}").allowed
        assert len(limiter) <= 1000
    assert time.perf_counter() - started < 5.0
    assert len(limiter) == 1000


def test_default_max_keys_bounds_a_flood() -> None:
    limiter = RateLimiter(per_minute=20, burst=8, clock=FakeClock())
    for i in range(200_000):
        limiter.allow(str(i))
    assert len(limiter) == 50_000


def test_least_recently_used_key_is_evicted_first() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=1, burst=1, max_keys=2, clock=clock)
    assert limiter.allow("a") and limiter.allow("b")
    assert not limiter.allow("a")  # touches "a": "b" is now the least recently used
    assert limiter.allow("c")
    assert not limiter.allow("a")  # still remembered, still limited
    assert limiter.allow("b")  # forgotten, so a fresh bucket


def test_idle_keys_with_full_buckets_are_forgotten() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=60, burst=2, clock=clock)
    for i in range(10):
        limiter.allow(f"old-{i}")
    assert len(limiter) == 10
    clock.advance(2.0)  # every old bucket is full again
    for i in range(10):
        limiter.allow(f"new-{i}")
    assert all(key.startswith("new-") for key in limiter._buckets)


def test_thread_safety_smoke() -> None:
    clock = FakeClock()
    limiter = RateLimiter(per_minute=1, burst=100, clock=clock)
    allowed: list[bool] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        results = [limiter.allow("shared").allowed for _ in range(200)]
        results += [limiter.allow(f"own-{threading.get_ident()}-{i}").allowed for i in range(200)]
        allowed.extend(results[:200])

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 100  # exactly the burst, never more, from 1600 tries


@settings(max_examples=200, deadline=None)
@given(
    per_minute=st.integers(min_value=1, max_value=600),
    burst=st.integers(min_value=1, max_value=20),
    gaps=st.lists(st.floats(min_value=0.0, max_value=5.0, allow_nan=False), min_size=1, max_size=200),
)
def test_never_more_than_burst_plus_rate_times_elapsed(per_minute: int, burst: int, gaps: list[float]) -> None:
    limiter = RateLimiter(per_minute=per_minute, burst=burst)
    now, times = 0.0, []
    for gap in gaps:
        now += gap
        decision = limiter.allow("k", now=now)
        if decision.allowed:
            times.append(now)
        else:  # and the wait it names is right: waiting it is enough
            assert decision.retry_after > 0
            assert limiter.peek("k", now=now + decision.retry_after).allowed
    rate = per_minute / 60.0
    for i, start in enumerate(times):
        for j in range(i, len(times)):
            assert j - i + 1 <= burst + rate * (times[j] - start) + 1e-6


# --- ChatRateLimits ------------------------------------------------------------------------------------------


def test_defaults() -> None:
    limits = ChatRateLimits.from_env({})
    assert limits.session is not None and limits.address is not None
    assert (limits.session.per_minute, limits.session.burst) == (20, 8)
    assert (limits.address.per_minute, limits.address.burst) == (120, 40)
    assert limits.session.max_keys == limits.address.max_keys == 50_000


def test_session_limit_with_defaults() -> None:
    clock = FakeClock()
    limits = ChatRateLimits(clock=clock)
    assert all(limits.check("patient", "10.0.0.1").allowed for _ in range(8))
    refused = limits.check("patient", "10.0.0.1")
    assert (refused.allowed, refused.limited_by) == (False, "session")
    assert refused.retry_after == pytest.approx(3.0)
    assert limits.check("other patient", "10.0.0.1").allowed
    clock.advance(refused.retry_after)
    assert limits.check("patient", "10.0.0.1").allowed


def test_address_limit_across_many_sessions() -> None:
    clock = FakeClock()
    limits = ChatRateLimits(
        session_per_minute=20, session_burst=8, address_per_minute=120, address_burst=40, clock=clock
    )
    assert all(limits.check(f"patient-{i}", "203.0.113.7").allowed for i in range(40))
    refused = limits.check("patient-new", "203.0.113.7")
    assert (refused.allowed, refused.limited_by) == (False, "address")
    assert refused.retry_after == pytest.approx(0.5)
    assert limits.check("patient-new", "198.51.100.1").allowed  # another address has its own budget


def test_refusal_by_one_limit_consumes_neither() -> None:
    clock = FakeClock()
    limits = ChatRateLimits(session_per_minute=60, session_burst=2, address_per_minute=60, address_burst=3, clock=clock)
    assert limits.check("a", "ip").allowed and limits.check("a", "ip").allowed
    for _ in range(20):  # refused by the session limit: the shared address keeps its last token
        assert limits.check("a", "ip").limited_by == "session"
    assert limits.check("b", "ip").allowed
    refused = limits.check("b", "ip")
    assert refused.limited_by == "address"
    assert limits.session is not None
    assert limits.session.peek("b").allowed  # "b" was refused by the address: its session budget is intact
    clock.advance(refused.retry_after)
    assert limits.check("b", "ip").allowed


def test_both_refusing_gives_the_longer_wait() -> None:
    clock = FakeClock()
    limits = ChatRateLimits(session_per_minute=6, session_burst=1, address_per_minute=60, address_burst=1, clock=clock)
    assert limits.check("a", "ip")
    refused = limits.check("a", "ip")
    assert (refused.limited_by, refused.retry_after) == ("session", pytest.approx(10.0))
    clock.advance(refused.retry_after)
    assert limits.check("a", "ip").allowed


def test_env_values_and_zero_disables() -> None:
    env = {SESSION_PER_MINUTE_ENV: "0", SESSION_BURST_ENV: "5", ADDRESS_PER_MINUTE_ENV: " 30 ", ADDRESS_BURST_ENV: "2"}
    limits = ChatRateLimits.from_env(env, clock=FakeClock())
    assert limits.session is None
    assert limits.address is not None and (limits.address.per_minute, limits.address.burst) == (30, 2)
    assert limits.check("a", "ip") and limits.check("a", "ip")
    assert limits.check("a", "ip").limited_by == "address"


def test_env_zero_burst_disables_and_all_zero_allows_everything() -> None:
    env = {SESSION_BURST_ENV: "0", ADDRESS_PER_MINUTE_ENV: "0"}
    limits = ChatRateLimits.from_env(env, clock=FakeClock())
    assert limits.session is None and limits.address is None
    assert all(limits.check("a", "ip").allowed for _ in range(1000))


def test_env_empty_values_take_defaults() -> None:
    limits = ChatRateLimits.from_env({SESSION_PER_MINUTE_ENV: "", ADDRESS_BURST_ENV: "  "})
    assert limits.session is not None and limits.session.per_minute == 20
    assert limits.address is not None and limits.address.burst == 40


@pytest.mark.parametrize("name", [SESSION_PER_MINUTE_ENV, SESSION_BURST_ENV, ADDRESS_PER_MINUTE_ENV, ADDRESS_BURST_ENV])
@pytest.mark.parametrize("value", ["ten", "-1", "1.5", "1e3", "0x10"])
def test_env_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ValueError, match=name):
        ChatRateLimits.from_env({name: value})


def test_chat_limits_thread_safety_smoke() -> None:
    limits = ChatRateLimits(
        session_per_minute=1, session_burst=1000, address_per_minute=1, address_burst=50, clock=FakeClock()
    )
    allowed: list[bool] = []

    def worker(n: int) -> None:
        allowed.extend(limits.check(f"s-{n}", "ip").allowed for _ in range(100))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 50


# --- client_address ------------------------------------------------------------------------------------------

PROXIES = frozenset({"127.0.0.1", "::1", "10.0.0.0/8"})


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        # No proxy: the peer, whatever the header claims.
        ("203.0.113.9", None, "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),
        # A trusted proxy: the right-most address that is not a proxy.
        ("127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "198.51.100.1, 10.1.2.3", "198.51.100.1"),
        ("::1", "198.51.100.1,10.1.2.3 , 10.9.9.9", "198.51.100.1"),
        # Forged left-most entries are never used.
        ("127.0.0.1", "1.1.1.1, 8.8.8.8, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "127.0.0.1, 198.51.100.1", "198.51.100.1"),
        ("127.0.0.1", "garbage, <script>, 198.51.100.1", "198.51.100.1"),
        # Empty or garbage where the client should be: the peer.
        ("127.0.0.1", "", "127.0.0.1"),
        ("127.0.0.1", "   ", "127.0.0.1"),
        ("127.0.0.1", ",,,", "127.0.0.1"),
        ("127.0.0.1", "unknown", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.1, not-an-ip", "127.0.0.1"),
        ("127.0.0.1", "999.1.1.1", "127.0.0.1"),
        # Only proxies in the chain: the left-most of them, where the request began.
        ("127.0.0.1", "10.0.0.5, 10.0.0.6", "10.0.0.5"),
        # Ports, brackets, case and IPv4-mapped IPv6 are normalised.
        ("127.0.0.1", "198.51.100.1:5555", "198.51.100.1"),
        ("127.0.0.1", "[2001:DB8::1]:443", "2001:db8::1"),
        ("127.0.0.1", "2001:DB8:0::1", "2001:db8::1"),
        ("::ffff:127.0.0.1", "198.51.100.1", "198.51.100.1"),
        ("::ffff:203.0.113.9", None, "203.0.113.9"),
        # An unparseable peer (a unix socket) is returned as it is.
        ("", "198.51.100.1", ""),
        ("/run/bot.sock", "198.51.100.1", "/run/bot.sock"),
    ],
)
def test_client_address(peer: str, forwarded_for: str | None, expected: str) -> None:
    assert client_address(peer, forwarded_for, PROXIES) == expected


def test_client_address_without_trusted_proxies_ignores_the_header() -> None:
    assert client_address("127.0.0.1", "198.51.100.1", frozenset()) == "127.0.0.1"


def test_client_address_very_long_header_falls_back_to_the_peer() -> None:
    header = ", ".join(["10.0.0.1"] * 10_000)
    assert client_address("127.0.0.1", header, PROXIES) == "127.0.0.1"
    assert client_address("127.0.0.1", header + ", 198.51.100.1", PROXIES) == "198.51.100.1"


def test_client_address_bad_trusted_proxy_is_an_error() -> None:
    with pytest.raises(ValueError, match="nginx"):
        client_address("127.0.0.1", "198.51.100.1", frozenset({"nginx"}))


# --- rate_limited_text ---------------------------------------------------------------------------------------


def test_rate_limited_text_example() -> None:
    assert rate_limited_text(9.2, "911") == (
        "You are sending messages very fast. Please wait about 10 seconds and try again. "
        "If this is an emergency, call 911 now."
    )


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        (0.0, "about 1 second "),
        (0.2, "about 1 second "),
        (1.0, "about 1 second "),
        (1.01, "about 2 seconds"),
        (3.0, "about 3 seconds"),
        (59.0, "about 59 seconds"),
        (59.5, "about a minute"),
        (60.0, "about a minute"),
        (60.5, "about 2 minutes"),
        (150.0, "about 3 minutes"),
        (float("inf"), "about a minute"),
    ],
)
def test_rate_limited_text_rounds_up(retry_after: float, wait: str) -> None:
    assert wait in rate_limited_text(retry_after, "911")


def test_rate_limited_text_uses_the_emergency_number() -> None:
    assert "call 112 now." in rate_limited_text(5, "112")
    assert "call your local emergency number now." in rate_limited_text(5, " ")


def test_rate_limited_text_is_plain_language() -> None:
    for retry_after in (1, 10, 60, 300):
        assert reading_grade(rate_limited_text(retry_after, "911")) <= 6.0
