"""`make bench`: this assistant, the stock Rasa configuration on our data, and the stock `rasa init` bot.

For each system, one after the other on this machine: training time (cold Rasa cache; reused while
its inputs are unchanged), time from start to first answer, resident memory after warm-up and after
load, and latency and throughput through the REST webhook at several concurrency levels with
multi-turn conversations and no think time (`evaluation/load.py`, an asyncio client). Prints a table
and writes `docs/bench.json`, `BENCHMARKS.md` (rendered from it) and `docs/bench.png`.
"""

from __future__ import annotations

import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT
from evaluation.bench_report import print_table, write_markdown, write_plot
from evaluation.bench_systems import (
    System,
    all_systems,
    ensure_trained,
    rasa_server_pid,
    resident_mb,
    started,
    wait_for_first_answer,
)
from evaluation.load import Conversation, load, warm_up

LEVELS = (1, 10, 50)
WARM_UP_MESSAGES = 30
REPORT_JSON = PROJECT_ROOT / "docs" / "bench.json"
"""Committed with BENCHMARKS.md, which is rendered from it (a test checks they agree)."""
SEED = 2026
FOLLOW_UPS = ("tell me more", "thanks", "ok", "what else should I know", "bye")


def our_conversations(count: int = 60) -> list[Conversation]:
    """5-10 message conversations from the held-out questions, with the small talk patients add."""
    questions = []
    for path in sorted((PROJECT_ROOT / "tests" / "eval").glob("heldout_answers_*.yml")):
        questions += [str(c["text"]) for c in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]
    rng = random.Random(SEED)
    conversations: list[Conversation] = []
    for _ in range(count):
        turns = ["hi"] + rng.sample(questions, rng.randint(3, 6))
        turns.insert(rng.randint(2, len(turns)), rng.choice(FOLLOW_UPS))
        conversations.append(turns + ["thanks"])
    return conversations


def moodbot_conversations(project: Path, count: int = 60) -> list[Conversation]:
    """Conversations for the `rasa init` bot, from its own NLU examples."""
    examples: dict[str, list[str]] = {}
    for item in yaml.safe_load((project / "data" / "nlu.yml").read_text(encoding="utf-8"))["nlu"]:
        examples[item["intent"]] = [line[2:] for line in item["examples"].splitlines() if line.startswith("- ")]
    rng = random.Random(SEED)
    middle = ["mood_great", "mood_unhappy", "affirm", "deny", "bot_challenge"]
    return [
        [rng.choice(examples["greet"])]
        + [rng.choice(examples[rng.choice(middle)]) for _ in range(rng.randint(3, 7))]
        + [rng.choice(examples["goodbye"])]
        for _ in range(count)
    ]


def measure(system: System, seconds: float, workdir: Path) -> dict[str, Any]:
    """Train (or reuse), start, warm up and load one system."""
    training = ensure_trained(system)
    conversations = moodbot_conversations(system.project) if system.key == "rasa_init" else our_conversations()
    print(f"Starting {system.title}...", file=sys.stderr, flush=True)
    with started(system, workdir) as running:
        start_seconds = wait_for_first_answer(running, conversations[0][0])
        rasa_pid = rasa_server_pid(running)
        warm_up_errors = warm_up(running.url, conversations, messages=WARM_UP_MESSAGES)
        memory_warm = {"rasa": resident_mb(rasa_pid), "all": resident_mb(running.rasa.pid)}
        levels = []
        for concurrency in LEVELS:
            result = load(running.url, conversations, concurrency=concurrency, seconds=seconds)
            levels.append(result.as_dict())
            print(
                f"  {system.key} c={concurrency}: {result.throughput:.1f} msg/s, "
                f"p50 {result.percentile(0.5):.0f} ms, p95 {result.percentile(0.95):.0f} ms, "
                f"errors {result.errors}",
                file=sys.stderr,
                flush=True,
            )
        memory_load = {"rasa": resident_mb(rasa_pid), "all": resident_mb(running.rasa.pid)}
    return {
        "key": system.key,
        "title": system.title,
        "measured_at": time.strftime("%Y-%m-%d %H:%M %Z"),
        "training": training,
        "start_to_first_answer_s": round(start_seconds, 1),
        "warm_up_errors": warm_up_errors,
        "memory_mb": {
            "after_warm_up": {k: round(v) for k, v in memory_warm.items()},
            "after_load": {k: round(v) for k, v in memory_load.items()},
        },
        "levels": levels,
    }


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import os

    import rasa
    import rasa_sdk
    import sklearn

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "rasa": rasa.__version__,
        "rasa_sdk": rasa_sdk.__version__,
        "scikit_learn": sklearn.__version__,
        "load_tool": "evaluation/load.py (asyncio + aiohttp client, multi-turn, no think time)",
    }


def merged(previous: dict[str, Any] | None, fresh: list[dict[str, Any]], order: list[str]) -> list[dict[str, Any]]:
    """The fresh systems' figures in place of their old ones, every other system's kept, in `order`."""
    by_key = {s["key"]: s for s in (previous or {}).get("systems", [])}
    by_key.update({s["key"]: s for s in fresh})
    return [by_key[key] for key in order if key in by_key]


def main(*, seconds: float, only: list[str] | None = None) -> int:
    """Run the benchmark (all systems, or `only` these, keeping the others' last figures); 1 on errors."""
    every = all_systems()
    systems = [s for s in every if not only or s.key in only]
    results = []
    with tempfile.TemporaryDirectory(prefix="il2-bench-") as workdir:
        for system in systems:
            results.append(measure(system, seconds, Path(workdir)))
    previous = json.loads(REPORT_JSON.read_text(encoding="utf-8")) if only and REPORT_JSON.is_file() else None
    report = {
        "machine": machine(),
        "seconds_per_level": seconds,
        "levels": list(LEVELS),
        "systems": merged(previous, results, [s.key for s in every]),
    }
    print_table(report)
    REPORT_JSON.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    write_markdown(report)
    write_plot(report)
    errors = sum(level["errors"] for system in results for level in system["levels"])
    if errors:
        print(f"FAIL: {errors} errors under load", file=sys.stderr)
    return 1 if errors else 0
