"""Production mode under load with a replica killed: nothing acknowledged is lost or doubled (`make bench-prod`).

Simulated patients talk through nginx at the same time, each a conversation of distinct messages sent
one after the other. While they talk, one Rasa replica is killed with SIGKILL and started again. Then
the tracker store (PostgreSQL) is read back: every acknowledged message (HTTP 200 with replies) must
be there exactly once, in the order it was sent, in its own conversation. Two runs: without retries
(a message that is not acknowledged is an error), and with one retry per such message, with the
same message id, as the widget's "Try again" sends it. Figures go to docs/prod_bench.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import threading
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from sqlalchemy import create_engine, text

from bot.local_servers import redis_database_of_its_own, scratch_postgres_database
from bot.settings import PROJECT_ROOT
from evaluation.load import LoadResult

REPORT = PROJECT_ROOT / "docs" / "prod_bench.json"
BENCH_REDIS_DB = 8
"""Databases 8 and 9 of the machine's Redis (the lock store uses the second); the tests use 6 and 7."""
PATIENT_TURNS = (
    "hi",
    "what is il2",
    "how is it given",
    "tell me more",
    "how long is a treatment cycle",
    "will i need to stay in the hospital",
    "what side effects are common",
    "does it cause fever",
    "why do people gain weight on it",
    "can i take ibuprofen for the fever",
    "what is capillary leak",
    "how will i feel after the first dose",
    "is hair loss common",
    "who do i call at night",
    "can my family visit",
    "what should i pack for the hospital",
    "how do i know if it is working",
    "what happens after treatment ends",
    "thanks",
    "bye",
)
"""Twenty distinct turns: each text appears once per conversation, so a doubled turn shows."""


STORED_USER_MESSAGES = """
    SELECT sender_id, data FROM events WHERE type_name = 'user' AND sender_id = ANY(:senders) ORDER BY id
"""


@dataclass
class Transcript:
    """What one simulated patient sent, and which messages were acknowledged (HTTP 200)."""

    sender: str
    sent: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def acknowledged(self) -> list[str]:
        """The messages the assistant answered, in order."""
        return [message for message, ok in self.sent if ok]


@dataclass
class Audit:
    """The tracker store checked against the acknowledged messages."""

    conversations: int
    acknowledged: int
    lost: int
    duplicated: int
    out_of_order: int

    @property
    def clean(self) -> bool:
        """Nothing acknowledged is missing, doubled or out of order."""
        return self.lost == 0 and self.duplicated == 0 and self.out_of_order == 0


ERROR_KINDS: Counter[str] = Counter()
"""Why messages were not acknowledged (HTTP status, or the client error's type), for the report."""
FIXED_REPLIES: Counter[str] = Counter()
"""Acknowledged messages whose reply was the fixed service-trouble one (an action call failed)."""


RETRIES: Counter[str] = Counter()
"""Messages sent a second time, as the widget's "Try again" does, and how the second attempt went."""


async def _attempt(session: aiohttp.ClientSession, url: str, body: dict[str, Any], address: str) -> tuple[bool, str]:
    """One POST; whether it was acknowledged (HTTP 200 with replies), and what happened otherwise."""
    try:
        # As a client address behind the proxy: each simulated patient is its own client.
        async with session.post(url, json=body, headers={"X-Forwarded-For": address}) as response:
            replies = await response.json(content_type=None)
            ok = response.status == 200 and isinstance(replies, list) and bool(replies)
            if ok and any(isinstance(m, dict) and (m.get("custom") or {}).get("kind") == "error" for m in replies):
                FIXED_REPLIES["service trouble"] += 1
            return ok, f"HTTP {response.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError) as error:
        return False, type(error).__name__


async def _patient(
    session: aiohttp.ClientSession,
    url: str,
    transcript: Transcript,
    turns: Sequence[str],
    result: LoadResult,
    retry: bool,
) -> None:
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    for message in turns:
        started = time.perf_counter()
        body = {"sender": transcript.sender, "message": message, "message_id": uuid.uuid4().hex}
        ok, kind = await _attempt(session, url, body, address)
        if not ok and retry:  # as a patient presses "Try again": the same message id, marked as a retry
            await asyncio.sleep(RETRY_AFTER_SECONDS)
            ok, second = await _attempt(session, url, {**body, "retry": True}, address)
            RETRIES["acknowledged" if ok else f"failed again ({second})"] += 1
        if not ok:
            ERROR_KINDS[kind] += 1
        transcript.sent.append((message, ok))
        if ok:
            result.latencies.append(time.perf_counter() - started)
        else:
            result.errors += 1


RETRY_AFTER_SECONDS = 1.0
"""How long a simulated patient waits before "Try again"."""


async def simulate_patients(
    url: str, patients: int, turns: Sequence[str] = PATIENT_TURNS, *, retry: bool = False
) -> tuple[list[Transcript], LoadResult]:
    """`patients` conversations at once through `url` (the REST webhook), each sending `turns` in order.

    With `retry`, a message that is not acknowledged is sent once more, as the widget's "Try again" does.
    """
    transcripts = [Transcript(sender=f"bench-{uuid.uuid4().hex}") for _ in range(patients)]
    result = LoadResult(concurrency=patients, seconds=0.0)
    started = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=patients)) as session:
        await asyncio.gather(*(_patient(session, url, t, turns, result, retry) for t in transcripts))
    result.seconds = time.perf_counter() - started
    result.conversations = patients
    return transcripts, result


def audit_tracker_store(database_url: str, transcripts: Sequence[Transcript]) -> Audit:
    """Compare each conversation's stored user messages with what was acknowledged."""
    engine = create_engine(database_url, future=True)
    stored: dict[str, list[str]] = {t.sender: [] for t in transcripts}
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(STORED_USER_MESSAGES),
                {"senders": list(stored)},
            )
            for sender, data in rows:
                stored[sender].append(str(json.loads(data).get("text")))
    finally:
        engine.dispose()
    lost = duplicated = out_of_order = acknowledged = 0
    for transcript in transcripts:
        acked = transcript.acknowledged
        acknowledged += len(acked)
        counts = Counter(stored[transcript.sender])
        lost += sum(1 for message in acked if counts[message] == 0)
        duplicated += sum(1 for message in acked if counts[message] > 1)
        wanted = set(acked)
        first_seen = [message for message in dict.fromkeys(stored[transcript.sender]) if message in wanted]
        out_of_order += int(first_seen != [message for message in acked if counts[message] > 0])
    return Audit(len(transcripts), acknowledged, lost, duplicated, out_of_order)


def kill_and_restart_during(stack: Any, name: str, after_seconds: float) -> threading.Thread:
    """In the background: after `after_seconds`, SIGKILL process `name`, then start it again; the thread."""

    def run() -> None:
        time.sleep(after_seconds)
        stack.kill(name)
        stack.restart(name)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _run(stack: Any, database_url: str, patients: int, kill: str | None, kill_after: float, retry: bool) -> dict:
    """One load run: the patients talk while `kill` is killed and restarted; its figures and audit."""
    for counter in (ERROR_KINDS, FIXED_REPLIES, RETRIES):
        counter.clear()
    killer = kill_and_restart_during(stack, kill, kill_after) if kill is not None else None
    webhook = f"{stack.topology.public_url}/webhooks/rest/webhook"
    transcripts, result = asyncio.run(simulate_patients(webhook, patients, retry=retry))
    if killer is not None:
        killer.join(timeout=300)
    audit = audit_tracker_store(database_url, transcripts)
    return {
        "killed": f"{kill} (SIGKILL) after {kill_after:.0f} s, then started again" if kill else "none",
        "retries": "once, as the widget's Try again (same message id)" if retry else "none",
        "messages": patients * len(PATIENT_TURNS),
        "acknowledged": audit.acknowledged,
        "errors": result.errors,
        "error_kinds": dict(ERROR_KINDS),
        "retried": dict(RETRIES),
        "acknowledged_with_the_fixed_reply": sum(FIXED_REPLIES.values()),
        "lost": audit.lost,
        "duplicated": audit.duplicated,
        "out_of_order_conversations": audit.out_of_order,
        "clean": audit.clean,
        "throughput_msg_s": round(result.throughput, 1),
        "p50_ms": round(result.percentile(0.5)),
        "p95_ms": round(result.percentile(0.95)),
        "seconds": round(result.seconds, 1),
    }


def main(patients: int = 100, kill_after: float | None = 8.0) -> int:
    """`make bench-prod`: the stack on free ports; `patients` x 20 turns twice, a replica killed each time.

    First without retries (what is acknowledged is kept once), then with one retry per failed message
    (a kept turn sent again is answered, not handled twice).
    """
    from bot.model_cache import ensure_model
    from bot.production import ProductionStack, Topology
    from bot.rate_limit import NO_RATE_LIMITS

    redis_url = redis_database_of_its_own(BENCH_REDIS_DB)
    with scratch_postgres_database("il2bot_bench") as database_url:
        workdir = PROJECT_ROOT / "build" / "bench-prod"
        shutil.rmtree(workdir, ignore_errors=True)  # logs of this run only
        topology = Topology.on_free_ports(workdir, database_url, redis_url)
        stack = ProductionStack(topology, ensure_model(), {**os.environ, **NO_RATE_LIMITS}, secrets.token_urlsafe(16))
        stack.prepare(by="bench-prod")
        started = time.perf_counter()
        stack.start_all()
        print(f"Production stack up in {time.perf_counter() - started:.1f} s (2 replicas, 2 action servers, nginx)")
        delay = kill_after if kill_after is not None else 0.0
        try:
            runs = [
                _run(stack, database_url, patients, "rasa-1" if kill_after is not None else None, delay, retry=False),
                _run(stack, database_url, patients, "rasa-2" if kill_after is not None else None, delay, retry=True),
            ]
        finally:
            stack.stop_all()
    figures = {
        "patients": patients,
        "turns_each": len(PATIENT_TURNS),
        "runs": runs,
        "machine": f"{os.cpu_count()} cores",
        "measured": time.strftime("%Y-%m-%d"),
    }
    REPORT.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    for run in runs:
        print()
        for key, value in run.items():
            print(f"{key:34} {value}")
    print(f"\nWrote {REPORT.relative_to(PROJECT_ROOT)}")
    return 0 if all(run["clean"] for run in runs) else 1
