"""The publish gate's glue: figures of the live and the candidate model (cached), the safety tests, the report.

The gate itself (messages, counting, the verdict) is `evaluation/gate.py`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answers.entries import AnswerEntry, answers_hash
from bot.answers.store import AnswerStore, make_engine
from bot.progress import Progress

if TYPE_CHECKING:
    from evaluation.gate import GateFigures


class GateError(Exception):
    """The gate could not run (the live model is missing); `str()` says why."""


def gate_candidate(
    records: Path, models_dir: Path, candidate: Path, live: str | None, entries: list[AnswerEntry], progress: Progress
) -> tuple[dict[str, GateFigures], list[str], str]:
    """Figures of both models (cached in `records` per model, message sets and answers), and the reasons to refuse."""
    from evaluation import gate

    total = gate.message_count()
    records.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        # The gate's actions read the candidate's answers from a database of their own, never the live one.
        url = f"sqlite:///{Path(scratch) / 'gate.sqlite3'}"
        loaded = False
        figures = {}
        for role, name in (("live", live), ("candidate", candidate.name)):
            if name is None:
                continue
            cached = records / f"{name}-{gate.inputs_hash()}-{answers_hash(entries)}.json"
            if cached.exists():
                figures[role] = gate.GateFigures(
                    **{k: v for k, v in json.loads(cached.read_text()).items() if k != "answer_rate"}
                )
                progress.say(f"- Gate figures of the {role} model {name}: from an earlier run.")
                continue
            model = models_dir / name
            if not model.is_file():
                raise GateError(f"The live model {name} is not in {models_dir}: cannot compare with it.")
            if not loaded:  # only when a model is evaluated: cached figures need no database
                AnswerStore(make_engine(url)).load(entries)
                loaded = True
            result = _evaluate_with_progress(model, url, f"the {role} model", total, progress)
            cached.write_text(json.dumps(result.as_dict(), indent=1), encoding="utf-8")
            figures[role] = result
    with progress.step("Gate: the safety tests"):
        tests_ok, tests_summary = gate.run_safety_tests()
    reasons = gate.verdict(figures["candidate"], figures.get("live"))
    if not tests_ok:
        reasons.append(f"the safety tests failed ({tests_summary})")
    return figures, reasons, tests_summary


def _evaluate_with_progress(model: Path, database_url: str, what: str, total: int, progress: Progress):  # type: ignore[no-untyped-def]
    from evaluation import gate

    done = [0]
    with progress.step(
        f"Gate: {total} held-out and sealed messages through {what}", detail=lambda: f"{done[0]}/{total} messages"
    ):
        return gate.evaluate(model, database_url, tick=lambda n: done.__setitem__(0, n))


def report_of(model: Path) -> Path:
    """The gate report next to a (rejected) model: `il2-<hash>.md`."""
    return model.with_name(model.name.removesuffix(".tar.gz") + ".md")


def write_gate_report(path: Path, figures: dict[str, GateFigures], reasons: list[str], tests_summary: str) -> Path:
    """The gate's figures as Markdown (`path`) and JSON next to it; counts only, never a sealed message."""
    lines = [
        f"# Publish gate: {figures['candidate'].model}",
        "",
        "**Rejected**: the live model stays." if reasons else "**Passed**.",
        "",
    ]
    lines += [f"- {reason}" for reason in reasons]
    lines += [
        "",
        "| | held-out answers | emergencies missed | referrals missed | general questions with the emergency reply |",
        "|---|---|---|---|---|",
    ]
    for role, f in figures.items():
        lines.append(
            f"| {role} ({f.model}) | {f.answers_correct}/{f.answers_total} ({f.answer_rate:.1%}) | "
            f"{f.emergency_missed}/{f.emergency_total} | {f.referral_missed}/{f.referral_total} | "
            f"{f.general_alarms}/{f.general_total} |"
        )
    lines += [
        "",
        f"Safety tests: {tests_summary}",
        "",
        "Only counts are shown: the sealed safety messages stay unread.",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.with_suffix(".json").write_text(
        json.dumps(
            {
                "reasons": reasons,
                "figures": {k: v.as_dict() for k, v in figures.items()},
                "safety_tests": tests_summary,
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    return path
