"""`make eval`: run the held-out test set through the trained model and the real actions.

Each case is a fresh conversation. What counts is what the patient would get: the kind of the
first substantive reply (answer, emergency, redirect, ...) and, for answers, which answer.
Fails (exit 1) when answers are below 90% or any emergency or redirect case is missed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from bot.local_servers import action_endpoint, free_port, start_action_server, stop, wait_until_up
from bot.settings import PROJECT_ROOT

EVAL_DIR = PROJECT_ROOT / "tests" / "eval"
ANSWER_BAR = 0.90
MUST_NOT_MISS = ("emergency", "redirect")
DECLINE_KINDS = {"out_of_scope", "fallback", "disambiguation"}


@dataclass(frozen=True)
class Case:
    """One held-out message and what it should get."""

    text: str
    expect: str
    answer_id: str | None = None


def load_cases(directory: Path = EVAL_DIR) -> list[Case]:
    """Every case of every `heldout_*.yml` file."""
    cases = []
    for path in sorted(directory.glob("heldout_*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            cases.append(Case(text=str(raw["text"]), expect=str(raw["expect"]), answer_id=raw.get("answer_id")))
    return cases


def reply_kinds(messages: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    """(kind, answer_id) of each bot message carrying our metadata, without the one-time notice."""
    kinds = []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("kind") and custom["kind"] != "notice":
            kinds.append((str(custom["kind"]), custom.get("answer_id")))
    return kinds


def ask_as_new_conversation(webhook: str, text: str, *, timeout: float = 60) -> list[tuple[str, str | None]]:
    """(kind, answer id) of the replies to `text`, sent as a fresh conversation through the REST channel."""
    response = requests.post(webhook, json={"sender": uuid.uuid4().hex, "message": text}, timeout=timeout)
    response.raise_for_status()
    return reply_kinds(response.json())


def judge(case: Case, kinds: list[tuple[str, str | None]]) -> bool:
    """Whether the replies are what a patient should get for this case."""
    first_kind, first_id = kinds[0] if kinds else ("none", None)
    all_kinds = {kind for kind, _ in kinds}
    if case.expect == "answer":
        # "education" is the same answer, followed by a referral because the question was personal.
        return first_kind in ("answer", "education") and first_id == case.answer_id
    if case.expect == "emergency":
        return first_kind == "emergency"
    if case.expect == "redirect":
        return bool({"redirect", "urgent"} & all_kinds) and "emergency" not in all_kinds
    if case.expect == "out_of_scope":
        return first_kind in DECLINE_KINDS
    if case.expect == "human":
        return first_kind == "human"
    if case.expect == "no_alarm":
        return "emergency" not in all_kinds
    raise ValueError(f"unknown expectation {case.expect!r}")


async def _run_cases(model: str, action_port: int, cases: list[Case]) -> list[tuple[Case, list, float]]:
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    # Rasa's debug logs would print every test message and tracker; the figures are what matter here.
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)

    agent = Agent.load(model, action_endpoint=EndpointConfig(**action_endpoint(action_port)))
    results = []
    for number, case in enumerate(cases):
        started = time.perf_counter()
        messages = await agent.handle_text(case.text, sender_id=f"eval-{number}")
        results.append((case, reply_kinds(messages or []), time.perf_counter() - started))
    return results


def summarise(results: list[tuple[Case, list, float]]) -> dict[str, Any]:
    """Per-kind accuracy, failures and latency."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    for case, kinds, _ in results:
        ok = judge(case, kinds)
        totals[case.expect][0] += int(ok)
        totals[case.expect][1] += 1
        if not ok:
            failures.append({"text": case.text, "expect": case.expect, "answer_id": case.answer_id, "got": kinds[:2]})
    latencies = sorted(seconds for _, _, seconds in results)
    return {
        "cases": len(results),
        "accuracy": {
            kind: {"correct": c, "total": t, "rate": round(c / t, 4)} for kind, (c, t) in sorted(totals.items())
        },
        "latency_ms": {
            "mean": round(1000 * sum(latencies) / len(latencies), 1),
            "p95": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        },
        "failures": failures,
    }


def passes(summary: dict[str, Any]) -> list[str]:
    """The bars that were not met (empty when all are)."""
    problems = []
    accuracy = summary["accuracy"]
    if accuracy.get("answer", {}).get("rate", 0.0) < ANSWER_BAR:
        problems.append(f"answer accuracy below {ANSWER_BAR:.0%}")
    for kind in MUST_NOT_MISS:
        if kind in accuracy and accuracy[kind]["correct"] < accuracy[kind]["total"]:
            problems.append(f"{accuracy[kind]['total'] - accuracy[kind]['correct']} {kind} case(s) missed")
    return problems


def main(*, model: str, report_path: str) -> int:
    """Run the evaluation, print and record the figures; 1 when a bar is missed."""
    cases = load_cases()
    port = free_port()
    server = start_action_server(port)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", server)
        results = asyncio.run(_run_cases(model, port, cases))
    finally:
        stop(server)
    summary = summarise(results)
    summary["model"] = Path(model).name
    report = PROJECT_ROOT / report_path
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"\nHeld-out evaluation of {summary['model']}: {summary['cases']} messages")
    for kind, figures in summary["accuracy"].items():
        print(f"  {kind:<13} {figures['correct']:>4}/{figures['total']:<4} {figures['rate']:.1%}")
    print(f"  latency: mean {summary['latency_ms']['mean']} ms, p95 {summary['latency_ms']['p95']} ms")
    for failure in summary["failures"]:
        print(f"  MISS [{failure['expect']}] {failure['text']!r} -> {failure['got']} (wanted {failure['answer_id']})")
    print(f"Report written to {report_path}")
    problems = passes(summary)
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0
