"""`python -m evaluation coverage`: the content coverage set through the running assistant.

What counts is what a patient gets straight away: the first substantive reply must be the right
answer (directly, or as education before a referral), and an out-of-scope question must be declined.
The reading grade of the answers the set covers is measured on the answer files themselves.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

from bot.answers.files import load_answer_files
from bot.evaluation import Case, ask_as_new_conversation, judge
from bot.local_servers import running_assistant
from bot.readability import reading_grade
from bot.settings import ANSWERS_DIR, PROJECT_ROOT, get_settings
from evaluation.coverage_sets import DEV_FILE, OUT_OF_SCOPE, TEST_FILE, CoverageCase, load_part

ANSWER_TARGET = 0.92
OUT_OF_SCOPE_TARGET = 0.90
MEDIAN_GRADE_TARGET = 6.0

Replies = list[tuple[str, str | None]]


def _rate(hits: int, total: int) -> dict[str, Any]:
    return {"hits": hits, "total": total, "rate": round(hits / total, 4) if total else 0.0}


def summarise(results: list[tuple[CoverageCase, Replies]]) -> dict[str, Any]:
    """Right-answer rate, out-of-scope recall and each answer's figures."""
    per_answer: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    totals = {"answer": [0, 0], OUT_OF_SCOPE: [0, 0]}
    misses = []
    for case, replies in results:
        ok = judge(Case(text=case.text, expect=case.expect, answer_id=case.answer_id), replies)
        totals[case.expect][0] += int(ok)
        totals[case.expect][1] += 1
        if case.answer_id:
            per_answer[case.answer_id][0] += int(ok)
            per_answer[case.answer_id][1] += 1
        if not ok:
            misses.append({"text": case.text, "want": case.answer_id or OUT_OF_SCOPE, "got": replies[:2]})
    return {
        "cases": len(results),
        "right_answer": _rate(*totals["answer"]),
        "out_of_scope_recall": _rate(*totals[OUT_OF_SCOPE]),
        "answers": {aid: _rate(*figures) for aid, figures in sorted(per_answer.items())},
        "misses": misses,
    }


def reading_grades(answer_ids: set[str]) -> dict[str, float]:
    """US grade of each covered answer's main text, as a patient reads it (placeholders filled)."""
    placeholders = get_settings().contact.as_placeholders()
    return {
        e.id: round(reading_grade(e.answer.format(**placeholders)), 1)
        for e in load_answer_files(ANSWERS_DIR)
        if e.id in answer_ids
    }


def missed_targets(summary: dict[str, Any]) -> list[str]:
    """The coverage bars a part does not meet."""
    problems = []
    if summary["right_answer"]["rate"] < ANSWER_TARGET:
        problems.append(f"right answer {summary['right_answer']['rate']:.1%} (at least {ANSWER_TARGET:.0%})")
    if summary["out_of_scope_recall"]["rate"] < OUT_OF_SCOPE_TARGET:
        rate = summary["out_of_scope_recall"]["rate"]
        problems.append(f"out-of-scope recall {rate:.1%} (at least {OUT_OF_SCOPE_TARGET:.0%})")
    return problems


def through_webhook(webhook: str) -> Callable[[CoverageCase], Replies]:
    """Ask one question as a fresh conversation through the REST channel."""

    def ask(case: CoverageCase) -> Replies:
        return ask_as_new_conversation(webhook, case.text)

    return ask


def main(*, model: str, parts: list[str], show_misses: bool, report_path: str) -> int:
    """Score the chosen parts; 1 when the test part misses a target or the median grade is above 6."""
    chosen = {"dev": DEV_FILE, "test": TEST_FILE}
    report: dict[str, Any] = {"model": Path(model).name, "date": time.strftime("%Y-%m-%d")}
    failed = False
    with tempfile.TemporaryDirectory() as workdir, contextlib.ExitStack() as stack:
        servers = stack.enter_context(running_assistant(Path(model), Path(workdir), dict(os.environ)))
        ask = through_webhook(servers.webhook)
        for part in parts:
            cases = load_part(chosen[part])
            with ThreadPoolExecutor(max_workers=4) as pool:
                results = list(zip(cases, pool.map(ask, cases), strict=True))
            summary = summarise(results)
            report[part] = summary
            print(f"\nCoverage set, {part} part: {summary['cases']} questions")
            for key in ("right_answer", "out_of_scope_recall"):
                figures = summary[key]
                print(f"  {key:<20} {figures['hits']:>4}/{figures['total']:<4} {figures['rate']:.1%}")
            weakest = sorted(summary["answers"].items(), key=lambda item: item[1]["rate"])[:5]
            print("  weakest answers: " + ", ".join(f"{aid} {f['hits']}/{f['total']}" for aid, f in weakest))
            if show_misses and part == "dev":
                for miss in summary["misses"]:
                    print(f"  MISS [{miss['want']}] {miss['text']!r} -> {miss['got']}")
            problems = missed_targets(summary)
            for problem in problems:
                print(f"  below target ({part}): {problem}")
            failed |= part == "test" and bool(problems)
    covered = {c.answer_id for part in (DEV_FILE, TEST_FILE) for c in load_part(part) if c.answer_id}
    grades = reading_grades(covered)
    report["reading_grade"] = {"median": median(grades.values()), "max": max(grades.values()), "answers": grades}
    print(
        f"\nReading grade of the {len(grades)} covered answers: median {median(grades.values()):.1f}, "
        f"highest {max(grades.values()):.1f} (target median at most {MEDIAN_GRADE_TARGET:.0f})"
    )
    failed |= median(grades.values()) > MEDIAN_GRADE_TARGET
    path = PROJECT_ROOT / report_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"Report written to {report_path}")
    return 1 if failed else 0
