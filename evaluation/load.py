"""A small asyncio load client for Rasa's REST webhook: multi-turn conversations, no think time.

Each of `concurrency` workers starts a conversation (a fresh sender id), sends its messages one after
the other as fast as the replies come, then starts the next one, until the time is up. Latency is
measured per message, from sending the request to reading the whole reply. A reply that is not
HTTP 200 with a JSON list of at least one message counts as an error.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

Conversation = Sequence[str]


@dataclass
class LoadResult:
    """What one load level measured."""

    concurrency: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    conversations: int = 0

    @property
    def messages(self) -> int:
        """Messages answered without error."""
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        """Answered messages per second over the whole level."""
        return self.messages / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        """Latency in ms at `share` (0.5 is the median), nearest-rank."""
        if not self.latencies:
            return float("nan")
        ranked = sorted(self.latencies)
        index = min(len(ranked) - 1, max(0, math.ceil(share * len(ranked)) - 1))
        return 1000 * ranked[index]

    def as_dict(self) -> dict[str, Any]:
        """The figures, rounded for the report."""
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 1),
            "messages": self.messages,
            "conversations": self.conversations,
            "errors": self.errors,
            "throughput": round(self.throughput, 1),
            "p50_ms": round(self.percentile(0.50), 1),
            "p95_ms": round(self.percentile(0.95), 1),
            "p99_ms": round(self.percentile(0.99), 1),
        }


def valid_reply(status: int, body: Any) -> bool:
    """HTTP 200 and a non-empty list of bot messages."""
    return status == 200 and isinstance(body, list) and len(body) > 0


async def _send(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        async with session.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.json(content_type=None)
            ok = valid_reply(response.status, body)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        ok = False
    return ok, time.perf_counter() - started


async def _worker(
    session: aiohttp.ClientSession,
    url: str,
    conversations: itertools.cycle,
    deadline: float,
    result: LoadResult,
) -> None:
    while time.perf_counter() < deadline:
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        result.conversations += 1
        for text in next(conversations):
            if time.perf_counter() >= deadline:
                return
            ok, seconds = await _send(session, url, sender, text)
            if ok:
                result.latencies.append(seconds)
            else:
                result.errors += 1


async def run_level(
    url: str, conversations: Sequence[Conversation], *, concurrency: int, seconds: float, timeout: float = 30.0
) -> LoadResult:
    """Drive `url` with `concurrency` conversations at a time for `seconds`."""
    result = LoadResult(concurrency=concurrency, seconds=seconds)
    # Each worker starts at a different conversation, so the levels do not all send the same opening.
    connector = aiohttp.TCPConnector(limit=concurrency)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        started = time.perf_counter()
        deadline = started + seconds
        workers = []
        for number in range(concurrency):
            rotated = [*conversations[number % len(conversations) :], *conversations[: number % len(conversations)]]
            workers.append(_worker(session, url, itertools.cycle(rotated), deadline, result))
        await asyncio.gather(*workers)
        result.seconds = time.perf_counter() - started
    return result


def load(url: str, conversations: Sequence[Conversation], *, concurrency: int, seconds: float) -> LoadResult:
    """Blocking wrapper of `run_level`."""
    return asyncio.run(run_level(url, conversations, concurrency=concurrency, seconds=seconds))


def warm_up(url: str, conversations: Sequence[Conversation], *, messages: int) -> int:
    """Send `messages` messages one at a time (first use of every code path); the number of errors."""

    async def run() -> int:
        errors, sent = 0, 0
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            for conversation in itertools.cycle(conversations):
                sender = f"warm-{uuid.uuid4().hex[:12]}"
                for text in conversation:
                    ok, _ = await _send(session, url, sender, text)
                    errors += int(not ok)
                    sent += 1
                    if sent >= messages:
                        return errors
        return errors

    return asyncio.run(run())
