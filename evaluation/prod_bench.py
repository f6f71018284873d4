"""Production mode under load with a replica killed: nothing acknowledged is lost or doubled (`make bench-prod`).

Simulated patients talk through nginx at the same time, each a conversation of distinct messages sent
one after the other (no retries: a message that does not get HTTP 200 counts as an error and is not
acknowledged). While they talk, one Rasa replica is killed with SIGKILL and started again. Then the
tracker store (PostgreSQL) is read back: every acknowledged message must be there exactly once, in the
order it was sent, in its own conversation. Figures go to docs/prod_bench.json.
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


async def _patient(
    session: aiohttp.ClientSession, url: str, transcript: Transcript, turns: Sequence[str], result: LoadResult
) -> None:
    address = f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"
    for message in turns:
        started = time.perf_counter()
        try:
            async with session.post(
                url,
                json={"sender": transcript.sender, "message": message},
                # As a client address behind the proxy: each simulated patient is its own client.
                headers={"X-Forwarded-For": address},
            ) as response:
                body = await response.json(content_type=None)
                ok = response.status == 200 and isinstance(body, list) and bool(body)
                kind = f"HTTP {response.status}"
                if ok and any(isinstance(m, dict) and (m.get("custom") or {}).get("kind") == "error" for m in body):
                    FIXED_REPLIES["service trouble"] += 1
        except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError) as error:
            ok, kind = False, type(error).__name__
        if not ok:
            ERROR_KINDS[kind] += 1
        transcript.sent.append((message, ok))
        if ok:
            result.latencies.append(time.perf_counter() - started)
        else:
            result.errors += 1


async def simulate_patients(
    url: str, patients: int, turns: Sequence[str] = PATIENT_TURNS
) -> tuple[list[Transcript], LoadResult]:
    """`patients` conversations at once through `url` (the REST webhook), each sending `turns` in order."""
    transcripts = [Transcript(sender=f"bench-{uuid.uuid4().hex}") for _ in range(patients)]
    result = LoadResult(concurrency=patients, seconds=0.0)
    started = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=patients)) as session:
        await asyncio.gather(*(_patient(session, url, t, turns, result) for t in transcripts))
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


def main(patients: int = 100, kill_after: float | None = 8.0) -> int:
    """`make bench-prod`: the full stack on free ports, `patients` x 20 turns, replica 1 killed and restarted."""
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
        try:
            killer = kill_and_restart_during(stack, "rasa-1", kill_after) if kill_after is not None else None
            transcripts, result = asyncio.run(
                simulate_patients(f"{topology.public_url}/webhooks/rest/webhook", patients)
            )
            if killer is not None:
                killer.join(timeout=300)
            audit = audit_tracker_store(database_url, transcripts)
        finally:
            stack.stop_all()
    figures = {
        "patients": patients,
        "turns_each": len(PATIENT_TURNS),
        "messages": patients * len(PATIENT_TURNS),
        "killed": f"rasa-1 (SIGKILL) after {kill_after:.0f} s, then started again"
        if kill_after is not None
        else "none",
        "acknowledged": audit.acknowledged,
        "errors": result.errors,
        "error_kinds": dict(ERROR_KINDS),
        "acknowledged_with_the_fixed_reply": sum(FIXED_REPLIES.values()),
        "lost": audit.lost,
        "duplicated": audit.duplicated,
        "out_of_order_conversations": audit.out_of_order,
        "throughput_msg_s": round(result.throughput, 1),
        "p50_ms": round(result.percentile(0.5)),
        "p95_ms": round(result.percentile(0.95)),
        "seconds": round(result.seconds, 1),
        "machine": f"{os.cpu_count()} cores",
        "measured": time.strftime("%Y-%m-%d"),
    }
    REPORT.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    for key, value in figures.items():
        print(f"{key:28} {value}")
    print(f"Wrote {REPORT.relative_to(PROJECT_ROOT)}")
    return 0 if audit.clean else 1
