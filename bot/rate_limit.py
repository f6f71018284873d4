"""Per-key rate limits for the chat channels: per conversation (sender id) and per client address.

A token bucket per key: it allows a short burst and then a steady rate, keeps only two numbers per key, and
gives an exact `retry_after`, so the channel can tell the patient how long to wait. A sliding-window counter
would need a window boundary per key and only approximates the rate across window edges, so it was not chosen.

Memory is bounded: a key whose bucket has filled up again is the same as an unknown key and is forgotten, and
past `max_keys` the least recently used key is dropped (it starts again with a full bucket). Every call does a
bounded amount of work, so a flood of distinct keys neither grows memory nor slows :meth:`RateLimiter.allow`.

A refused message consumes nothing, from either limit: a patient who waits `retry_after` seconds is allowed
again, however many messages were refused meanwhile (the address limit is shared, so on a busy clinic network
other patients may have used its budget in the meantime).
"""

from __future__ import annotations

import functools
import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Union

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]

DEFAULT_MAX_KEYS = 50_000
"""Keys each limiter remembers at most."""

SESSION_PER_MINUTE_ENV = "IL2BOT_RATE_SESSION_PER_MINUTE"
SESSION_BURST_ENV = "IL2BOT_RATE_SESSION_BURST"
ADDRESS_PER_MINUTE_ENV = "IL2BOT_RATE_ADDRESS_PER_MINUTE"
ADDRESS_BURST_ENV = "IL2BOT_RATE_ADDRESS_BURST"

NO_RATE_LIMITS = {SESSION_PER_MINUTE_ENV: "0", ADDRESS_PER_MINUTE_ENV: "0"}
"""Environment of a server that benchmarks and test suites flood from one address: both limits off."""

DEFAULT_SESSION_PER_MINUTE = 20
"""Messages a minute one conversation may send, once its burst is used."""
DEFAULT_SESSION_BURST = 8
"""Messages one conversation may send at once."""
DEFAULT_ADDRESS_PER_MINUTE = 120
"""Messages a minute from one address: a clinic's shared network carries many patients."""
DEFAULT_ADDRESS_BURST = 40
"""Messages one address may send at once."""

_EPSILON = 1e-9
"""Float slack, so that waiting exactly `retry_after` seconds is always enough."""
_EVICT_PER_CALL = 4
"""Refilled buckets forgotten per call at most: keeps every call's work bounded."""
_MAX_FORWARDED_HOPS = 16
"""X-Forwarded-For entries looked at, from the right; the rest of a long header is never split."""


@dataclass(frozen=True)
class Decision:
    """The answer to one message: allowed or not, and if not, how long to wait.

    Attributes:
        allowed: True when the message may go on to the assistant.
        retry_after: Seconds to wait before the next message is allowed; 0.0 when allowed.
        limited_by: Which limit refused ("session" or "address"), None when allowed or for a single limiter.

    """

    allowed: bool
    retry_after: float = 0.0
    limited_by: str | None = None

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(allowed=True)


class _Bucket:
    __slots__ = ("tokens", "stamp")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.tokens = tokens
        self.stamp = stamp


class RateLimiter:
    """A token bucket per key: `burst` messages at once, then `per_minute` a minute.

    Thread-safe. Remembers at most `max_keys` keys (see the module docstring).
    """

    def __init__(
        self,
        per_minute: float,
        burst: int,
        *,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create a limiter.

        Args:
            per_minute: Steady rate, messages a minute; more than 0.
            burst: Bucket size, messages allowed at once; at least 1.
            max_keys: Keys remembered at most; at least 1.
            clock: Seconds, never going backwards (tests inject a fake one).

        Raises:
            ValueError: When a value is out of range.

        """
        if not (per_minute > 0 and math.isfinite(per_minute)):
            raise ValueError(f"per_minute must be a number above 0, not {per_minute!r}")
        if burst < 1:
            raise ValueError(f"burst must be at least 1, not {burst!r}")
        if max_keys < 1:
            raise ValueError(f"max_keys must be at least 1, not {max_keys!r}")
        self.per_minute = per_minute
        self.burst = burst
        self.max_keys = max_keys
        self._rate = per_minute / 60.0  # tokens a second
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """Keys remembered now."""
        return len(self._buckets)

    def allow(self, key: str, now: float | None = None) -> Decision:
        """Take one token from `key`'s bucket if it has one.

        Args:
            key: What to limit (a sender id, an address).
            now: The time, in the clock's seconds; the clock is read when None.

        Returns:
            The decision; a refusal consumes nothing and says how long until a token is back.

        """
        with self._lock:
            if now is None:
                now = self._clock()
            return self._decide(key, now, consume=True)

    def peek(self, key: str, now: float | None = None) -> Decision:
        """What :meth:`allow` would answer now, consuming nothing and remembering no new key."""
        with self._lock:
            if now is None:
                now = self._clock()
            return self._decide(key, now, consume=False)

    def _decide(self, key: str, now: float, *, consume: bool) -> Decision:
        bucket = self._buckets.get(key)
        if bucket is None:
            tokens, stamp = float(self.burst), now
        else:
            stamp = max(bucket.stamp, now)  # a `now` from the past refills nothing
            tokens = min(float(self.burst), bucket.tokens + (stamp - bucket.stamp) * self._rate)
            if consume:
                bucket.tokens, bucket.stamp = tokens, stamp
                self._buckets.move_to_end(key)
        if tokens < 1.0 - _EPSILON:
            return Decision(allowed=False, retry_after=(1.0 - tokens) / self._rate + (stamp - now))
        if consume:
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(tokens, stamp)
            bucket.tokens = max(0.0, tokens - 1.0)
            self._forget_idle(now)
        return ALLOWED

    def _forget_idle(self, now: float) -> None:
        """Forget a few least recently used keys whose bucket is full again, then any key past `max_keys`."""
        buckets = self._buckets
        for _ in range(_EVICT_PER_CALL):
            if len(buckets) <= 1:
                break
            oldest = next(iter(buckets.values()))
            if oldest.tokens + (now - oldest.stamp) * self._rate < self.burst:
                break
            buckets.popitem(last=False)
        while len(buckets) > self.max_keys:
            buckets.popitem(last=False)


def _limiter(per_minute: int, burst: int, max_keys: int, clock: Callable[[], float]) -> RateLimiter | None:
    if per_minute == 0 or burst == 0:
        return None
    return RateLimiter(per_minute, burst, max_keys=max_keys, clock=clock)


class ChatRateLimits:
    """The chat channels' two limits: per conversation (sender id) and per client address.

    A value of 0 (rate or burst) disables that limit. Thread-safe.
    """

    def __init__(
        self,
        session_per_minute: int = DEFAULT_SESSION_PER_MINUTE,
        session_burst: int = DEFAULT_SESSION_BURST,
        address_per_minute: int = DEFAULT_ADDRESS_PER_MINUTE,
        address_burst: int = DEFAULT_ADDRESS_BURST,
        *,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Create both limits; see the module constants for what the defaults mean.

        Raises:
            ValueError: When a value is negative.

        """
        for name, value in (
            ("session_per_minute", session_per_minute),
            ("session_burst", session_burst),
            ("address_per_minute", address_per_minute),
            ("address_burst", address_burst),
        ):
            if value < 0:
                raise ValueError(f"{name} must be 0 or more, not {value!r}")
        self.session = _limiter(session_per_minute, session_burst, max_keys, clock)
        self.address = _limiter(address_per_minute, address_burst, max_keys, clock)
        self._clock = clock
        self._lock = threading.Lock()

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str],
        *,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> ChatRateLimits:
        """Limits from `IL2BOT_RATE_SESSION_PER_MINUTE`, `_SESSION_BURST`, `_ADDRESS_PER_MINUTE`, `_ADDRESS_BURST`.

        Unset or empty variables take the defaults; 0 disables that limit.

        Raises:
            ValueError: When a variable is not a whole number 0 or more; the message names the variable.

        """
        return cls(
            _env_count(env, SESSION_PER_MINUTE_ENV, DEFAULT_SESSION_PER_MINUTE),
            _env_count(env, SESSION_BURST_ENV, DEFAULT_SESSION_BURST),
            _env_count(env, ADDRESS_PER_MINUTE_ENV, DEFAULT_ADDRESS_PER_MINUTE),
            _env_count(env, ADDRESS_BURST_ENV, DEFAULT_ADDRESS_BURST),
            max_keys=max_keys,
            clock=clock,
        )

    def check(self, sender: str, address: str) -> Decision:
        """Decide on one message from conversation `sender` at client `address`.

        It consumes from both limits only when both allow; a refusal consumes from neither, so waiting
        `retry_after` seconds (the longer of the two waits) is enough for this conversation.
        """
        with self._lock:
            now = self._clock()
            refusals = []
            for name, limiter, key in (("session", self.session, sender), ("address", self.address, address)):
                if limiter is not None:
                    decision = limiter.peek(key, now)
                    if not decision.allowed:
                        refusals.append((decision.retry_after, name))
            if refusals:
                retry_after, name = max(refusals)
                return Decision(allowed=False, retry_after=retry_after, limited_by=name)
            if self.session is not None:
                self.session.allow(sender, now)
            if self.address is not None:
                self.address.allow(address, now)
            return ALLOWED


def _env_count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw, 10)
    except ValueError:
        raise ValueError(f"{name} must be a whole number (0 turns the limit off), not {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must be 0 or more (0 turns the limit off), not {raw!r}")
    return value


def client_address(peer: str, forwarded_for: str | None, trusted_proxies: frozenset[str]) -> str:
    """The client address to rate-limit by.

    The connection's peer, unless the peer is a trusted proxy: then the right-most X-Forwarded-For entry that
    is not itself a trusted proxy. Entries left of it are never used: the client writes them and can forge them.
    An empty header, or a garbage entry before an untrusted address is found, gives the peer.

    Args:
        peer: The address the connection came from (`request.ip`).
        forwarded_for: The X-Forwarded-For header, None when absent.
        trusted_proxies: Proxy addresses or networks (`127.0.0.1`, `10.0.0.0/8`) whose header we believe.

    Returns:
        The address, in normal form (IPv4-mapped IPv6 as IPv4); an unparseable peer is returned stripped.

    Raises:
        ValueError: When an entry of `trusted_proxies` is not an address or network.

    """
    peer_ip = _parse_ip(peer)
    if peer_ip is None:
        return peer.strip()
    networks = _networks(trusted_proxies)
    if not _is_trusted(peer_ip, networks) or not forwarded_for:
        return str(peer_ip)
    chosen = peer_ip
    for entry in reversed(forwarded_for.rsplit(",", _MAX_FORWARDED_HOPS)):
        ip = _parse_ip(entry)
        if ip is None:
            return str(peer_ip)
        chosen = ip
        if not _is_trusted(ip, networks):
            break
    return str(chosen)


def _parse_ip(text: str) -> IPAddress | None:
    """An address from `1.2.3.4`, `1.2.3.4:port`, `2001:db8::1` or `[2001:db8::1]:port`; None for anything else."""
    text = text.strip().strip('"')
    if text.startswith("["):
        end = text.find("]")
        if end == -1:
            return None
        text = text[1:end]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


@functools.lru_cache(maxsize=16)
def _networks(trusted_proxies: frozenset[str]) -> tuple[IPNetwork, ...]:
    networks = []
    for entry in trusted_proxies:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"trusted proxy {entry!r} is not an address or network") from None
    return tuple(networks)


def _is_trusted(ip: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(ip in network for network in networks)


def rate_limited_text(retry_after: float, emergency_number: str) -> str:
    """The plain-language reply to a refused message: how long to wait, and where to turn in an emergency.

    Seconds are rounded up; a minute or more is said in whole minutes, rounded up too, so the patient is
    never told to come back too early.

    Args:
        retry_after: Seconds to wait, from :class:`Decision`.
        emergency_number: The number to call in an emergency (`911`); empty gives a generic phrase.

    """
    seconds = math.ceil(retry_after - _EPSILON) if math.isfinite(retry_after) else 60
    seconds = max(1, seconds)
    if seconds < 60:
        wait = "1 second" if seconds == 1 else f"{seconds} seconds"
    else:
        minutes = math.ceil(seconds / 60)
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
    number = emergency_number.strip()
    emergency = f"call {number} now" if number else "call your local emergency number now"
    return (
        f"You are sending messages very fast. Please wait about {wait} and try again. "
        f"If this is an emergency, {emergency}."
    )
