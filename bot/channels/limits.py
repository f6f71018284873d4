"""The chat channels' rate limits: one set per Rasa process, shared by every channel.

Shared so that a client cannot double its budget by switching from the widget to REST. A refused
message is not handed to Rasa, but it is still read by the deterministic emergency check: a patient
who types "I can't breathe" while refused gets the emergency reply with the refusal, never only
"please wait".
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from sanic.request import Request

from bot.dialogue import emergency_fallback_text
from bot.rate_limit import ChatRateLimits, client_address, rate_limited_text
from bot.safety.triage import Route, triage
from bot.settings import get_settings

TRUSTED_PROXIES_ENV = "IL2BOT_TRUSTED_PROXIES"
DEFAULT_TRUSTED_PROXIES = "127.0.0.1,::1"
"""nginx of `make run-prod` runs on loopback; its X-Forwarded-For names the real client."""


@dataclass(frozen=True)
class Refused:
    """A message refused by a rate limit: what to tell the patient, and how long to wait."""

    text: str
    retry_after: float
    emergency_text: str | None
    """The emergency reply, when the refused message reports an emergency."""

    @property
    def headers(self) -> dict[str, str]:
        """The Retry-After header (whole seconds, rounded up)."""
        return {"Retry-After": str(max(1, int(-(-self.retry_after // 1))))}


class ChannelLimits:
    """Per-conversation and per-address limits, with the address read behind trusted proxies."""

    def __init__(self, limits: ChatRateLimits, trusted_proxies: frozenset[str]) -> None:
        client_address("127.0.0.1", None, trusted_proxies)  # a bad proxy entry fails at start, not per message
        self.limits = limits
        self.trusted_proxies = trusted_proxies

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ChannelLimits:
        """IL2BOT_RATE_* (see `bot.rate_limit`) and IL2BOT_TRUSTED_PROXIES (comma-separated)."""
        environment = dict(os.environ if env is None else env)
        proxies = environment.get(TRUSTED_PROXIES_ENV, DEFAULT_TRUSTED_PROXIES)
        trusted = frozenset(p.strip() for p in proxies.split(",") if p.strip())
        return cls(ChatRateLimits.from_env(environment), trusted)

    def refusal(self, request: Request, sender: str, text: str) -> Refused | None:
        """None when the message may go on to Rasa; otherwise what to answer instead."""
        address = client_address(request.ip, request.headers.get("x-forwarded-for"), self.trusted_proxies)
        decision = self.limits.check(sender, address)
        if decision.allowed:
            return None
        contact = get_settings().contact
        emergency = emergency_fallback_text(contact) if triage(text).route is Route.EMERGENCY else None
        text = rate_limited_text(decision.retry_after, contact.emergency_number)
        return Refused(text, decision.retry_after, emergency)


@lru_cache(maxsize=1)
def channel_limits() -> ChannelLimits:
    """The process's limits, read from the environment on first use."""
    return ChannelLimits.from_env()
