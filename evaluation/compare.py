"""`make eval`: the held-out sets through this assistant, stock Rasa and a BM25 baseline.

The stock Rasa configuration is trained on the same data, the BM25 baseline indexes the same
examples, and the NLU is cross-validated in 5 folds.

Every system is judged as a patient would be served: the first reply must be the right answer (or
the same answer as education before a referral), an emergency must get the emergency reply first,
a personal decision must reach the care team, and a question outside IL-2 must be declined.
Writes `docs/evaluation.json`, `EVALUATION.md` (rendered from it), `reports/confusion.json` and `.png`.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bot.evaluation import Case, ask_as_new_conversation, load_cases
from bot.evaluation import summarise as summarise_heldout
from bot.local_servers import running_assistant
from bot.nlu_generation import read_nlu_examples
from bot.settings import NLU_DIR, PROJECT_ROOT
from evaluation import coverage_eval, safety_eval
from evaluation.baseline import Bm25Baseline, choose_min_score
from evaluation.coverage_sets import DEV_FILE as COVERAGE_DEV
from evaluation.coverage_sets import TEST_FILE as COVERAGE_TEST
from evaluation.coverage_sets import load_part as load_coverage
from evaluation.safety_sets import CURRENT_SEALED
from evaluation.safety_sets import DEV_FILE as SAFETY_DEV
from evaluation.safety_sets import load_part as load_safety

Replies = list[tuple[str, str | None]]
Ask = Callable[[str], Replies]
REPORT = PROJECT_ROOT / "docs" / "evaluation.json"
"""Committed with EVALUATION.md, which is rendered from it (a test checks they agree)."""
FOLDS = 5
SEED = 2026


def training_examples() -> list[tuple[str, str]]:
    """(text, label) of every NLU example; FAQ examples are labelled `faq/<answer id>`."""
    examples = []
    for path in sorted(NLU_DIR.glob("*.yml")):
        for label, texts in read_nlu_examples(path).items():
            examples += [(text, label) for text in texts if label]
    return examples


def through_webhook(webhook: str) -> Ask:
    """One message as a fresh conversation through the REST channel."""

    def ask(text: str) -> Replies:
        return ask_as_new_conversation(webhook, text, timeout=120)  # the stock model is slower

    return ask


def _ask_all(ask: Ask, texts: Sequence[str]) -> list[Replies]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(ask, texts))


def score_system(ask: Ask) -> dict[str, Any]:
    """Held-out, coverage and safety figures of one system."""
    heldout = load_cases()
    replies = _ask_all(ask, [c.text for c in heldout])
    figures: dict[str, Any] = {
        "heldout": summarise_heldout([(c, r, 0.0) for c, r in zip(heldout, replies, strict=True)])
    }
    for part, path in (("coverage_dev", COVERAGE_DEV), ("coverage_test", COVERAGE_TEST)):
        cases = load_coverage(path)
        figures[part] = coverage_eval.summarise(list(zip(cases, _ask_all(ask, [c.text for c in cases]), strict=True)))
    for part, path in (("safety_dev", SAFETY_DEV), ("safety_sealed", CURRENT_SEALED.file)):
        safety_cases = load_safety(path)
        kinds = [[kind for kind, _ in r] for r in _ask_all(ask, [c.text for c in safety_cases])]
        figures[part] = safety_eval.summarise(list(zip(safety_cases, kinds, strict=True)))
    for summary in figures.values():  # the lists of misses stay out of the comparison report
        summary.pop("failures", None)
        summary.pop("misses", None)
    return figures


def score_served(model: Path) -> dict[str, Any]:
    """A trained model with the action server, as `make run` serves it."""
    with tempfile.TemporaryDirectory() as workdir, contextlib.ExitStack() as stack:
        servers = stack.enter_context(running_assistant(model, Path(workdir), dict(os.environ)))
        return score_system(through_webhook(servers.webhook))


def baseline() -> tuple[Bm25Baseline, float]:
    """BM25 over every training example, its decline threshold chosen on the coverage dev part."""
    examples = training_examples()
    index = Bm25Baseline([t for t, _ in examples], [label for _, label in examples])
    dev = [(c.text, c.expect, c.answer_id) for c in load_coverage(COVERAGE_DEV)]
    index.min_score = choose_min_score(index, dev)
    return index, index.min_score


def folds(examples: Sequence[tuple[str, str]], count: int = FOLDS) -> list[list[int]]:
    """Stratified folds: each label's examples dealt round-robin after a seeded shuffle."""
    by_label: dict[str, list[int]] = {}
    for index, (_, label) in enumerate(examples):
        by_label.setdefault(label, []).append(index)
    rng = random.Random(SEED)
    result: list[list[int]] = [[] for _ in range(count)]
    offset = 0
    for label in sorted(by_label):
        indices = by_label[label]
        rng.shuffle(indices)
        for position, index in enumerate(indices):
            result[(position + offset) % count].append(index)
        offset += len(indices)
    return result


PARTS = ("assistant", "stock", "bm25", "cv")


def main(*, model: str, stock_model: str | None, parts: Sequence[str] = PARTS) -> int:
    """Score the chosen parts (the others are kept from the last report), write the reports."""
    from evaluation.compare_report import write_confusion, write_markdown
    from evaluation.cross_validation import cross_validate_assistant, cross_validate_baseline

    report: dict[str, Any] = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.is_file() else {}
    if report.get("models", {}).get("assistant") != Path(model).name:
        report = {}  # figures of another model are not kept
    report["date"] = time.strftime("%Y-%m-%d %H:%M %Z")
    report.setdefault("models", {})["assistant"] = Path(model).name
    if "assistant" in parts:
        print("Scoring this assistant...", file=sys.stderr, flush=True)
        report["assistant"] = score_served(Path(model))
    if stock_model and "stock" in parts:
        print("Scoring the stock configuration...", file=sys.stderr, flush=True)
        report["models"]["stock_on_ours"] = Path(stock_model).name
        report["stock_on_ours"] = score_served(Path(stock_model))
    if "bm25" in parts:
        index, threshold = baseline()
        report["bm25"] = score_system(index.replies)
        report["bm25_min_score"] = threshold
    if "cv" in parts:
        examples = training_examples()
        split = folds(examples)
        print(f"{FOLDS}-fold cross-validation of the NLU...", file=sys.stderr, flush=True)
        report["cross_validation"] = {
            "assistant": cross_validate_assistant(examples, split),
            "bm25": cross_validate_baseline(examples, split),
        }
    if "cross_validation" in report:
        write_confusion(report["cross_validation"]["assistant"])
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    write_markdown(report)
    from evaluation.compare_report import print_summary

    print_summary(report)
    return _safety_targets_met(report)


def _safety_targets_met(report: dict[str, Any]) -> int:
    """Print this assistant's sealed safety figures per family; 1 when one misses a target of the README."""
    sealed = report.get("assistant", {}).get("safety_sealed")
    if sealed is None:
        return 0
    safety_eval.print_summary(f"{CURRENT_SEALED.part} (this assistant)", sealed)
    problems = safety_eval.missed_targets(sealed)
    for problem in problems:
        print(f"  below target: {problem}")
    return 1 if problems else 0


__all__ = ["Case", "main", "training_examples", "folds", "score_system"]
