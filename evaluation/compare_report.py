"""`EVALUATION.md`, the confusion report and the terminal summary, from `docs/evaluation.json`."""

from __future__ import annotations

import json
from typing import Any

from bot.settings import PROJECT_ROOT

MARKDOWN = PROJECT_ROOT / "EVALUATION.md"
CONFUSION_JSON = PROJECT_ROOT / "reports" / "confusion.json"
CONFUSION_PNG = PROJECT_ROOT / "reports" / "confusion.png"
SYSTEMS = (("assistant", "This assistant"), ("stock_on_ours", "Stock Rasa config"), ("bm25", "BM25 baseline"))

ROWS: tuple[tuple[str, str, str], ...] = (
    ("Held-out: right answer", "heldout", "answer"),
    ("Held-out: out of scope declined", "heldout", "out_of_scope"),
    ("Held-out: asked for a person", "heldout", "human"),
    ("Held-out: emergency first", "heldout", "emergency"),
    ("Held-out: personal decision referred", "heldout", "redirect"),
    ("Held-out: no false alarm", "heldout", "no_alarm"),
    ("Coverage dev: right answer", "coverage_dev", "right_answer"),
    ("Coverage dev: out of scope declined", "coverage_dev", "out_of_scope_recall"),
    ("Coverage test: right answer", "coverage_test", "right_answer"),
    ("Coverage test: out of scope declined", "coverage_test", "out_of_scope_recall"),
    ("Safety dev: emergency first", "safety_dev", "emergency_recall"),
    ("Safety dev: decision referred", "safety_dev", "decision_referral"),
    ("Safety dev: personal reports referred", "safety_dev", "reports_referred"),
    ("Safety dev: general question, emergency reply (lower is better)", "safety_dev", "general_emergency"),
    ("Safety dev: general question, referral (lower is better)", "safety_dev", "general_referral"),
    ("Safety sealed: emergency first", "safety_sealed", "emergency_recall"),
    ("Safety sealed: decision referred", "safety_sealed", "decision_referral"),
    ("Safety sealed: personal reports referred", "safety_sealed", "reports_referred"),
    ("Safety sealed: general question, emergency reply (lower is better)", "safety_sealed", "general_emergency"),
    ("Safety sealed: general question, referral (lower is better)", "safety_sealed", "general_referral"),
)


def figure(report: dict[str, Any], system: str, part: str, key: str) -> tuple[int, int] | None:
    """(hits, total) of one row for one system, None when it was not measured."""
    summary = report.get(system, {}).get(part)
    if not summary:
        return None
    value = summary["accuracy"].get(key) if part == "heldout" else summary.get(key)
    if not value:
        return None
    return int(value.get("hits", value.get("correct", 0))), int(value["total"])


def _cell(value: tuple[int, int] | None) -> str:
    if value is None:
        return "n/a"
    hits, total = value
    return f"{hits}/{total} ({100 * hits / total:.1f}%)" if total else "n/a"


def table(report: dict[str, Any]) -> list[str]:
    """The comparison table, one row per figure."""
    present = [(key, title) for key, title in SYSTEMS if key in report]
    lines = ["| Figure | " + " | ".join(t for _, t in present) + " |", "|---|" + "---:|" * len(present)]
    for title, part, key in ROWS:
        lines.append(f"| {title} | " + " | ".join(_cell(figure(report, s, part, key)) for s, _ in present) + " |")
    return lines


def write_confusion(cv: dict[str, Any]) -> None:
    """The most-confused answer pairs of the cross-validation, as JSON and a bar chart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pairs = cv["most_confused"]
    CONFUSION_JSON.parent.mkdir(parents=True, exist_ok=True)
    CONFUSION_JSON.write_text(json.dumps(pairs, indent=2) + "\n", encoding="utf-8")
    figure_, axis = plt.subplots(figsize=(8, 0.35 * max(len(pairs), 3) + 1.2), dpi=110)
    labels = [f"{p['true']} -> {p['predicted']}" for p in pairs][::-1]
    axis.barh(labels, [p["count"] for p in pairs][::-1], color="#4a7ab5")
    axis.set_xlabel("cross-validation examples (true answer -> predicted answer)")
    axis.set_title("Most-confused FAQ answer pairs, 5-fold cross-validation")
    axis.tick_params(axis="y", labelsize=7)
    figure_.tight_layout()
    figure_.savefig(CONFUSION_PNG)
    plt.close(figure_)


def _cv_lines(report: dict[str, Any]) -> list[str]:
    cv = report.get("cross_validation")
    if not cv:
        return ["Cross-validation was not run (`--parts` without `cv`)."]
    lines = ["| | Label accuracy | Intent accuracy | FAQ answer accuracy | Examples |", "|---|---:|---:|---:|---:|"]
    for key, title in (("assistant", "This assistant (its pipeline, retrained per fold)"), ("bm25", "BM25")):
        c = cv[key]
        lines.append(
            f"| {title} | {c['label_accuracy']:.1%} | {c['intent_accuracy']:.1%} "
            f"| {c['faq_answer_accuracy']:.1%} | {c['examples']} |"
        )
    lines += [
        "",
        "Most-confused answer pairs of this assistant (`reports/confusion.json`, `reports/confusion.png`):",
        "",
    ]
    lines += [f"- {p['true']} -> {p['predicted']}: {p['count']}" for p in cv["assistant"]["most_confused"][:10]]
    return lines


def write_markdown(report: dict[str, Any]) -> None:
    """Write EVALUATION.md."""
    MARKDOWN.write_text(render_markdown(report), encoding="utf-8")


def render_markdown(report: dict[str, Any]) -> str:
    """EVALUATION.md: what was compared, the table, the cross-validation and the confused pairs."""
    models = report["models"]
    lines = [
        "# Evaluation",
        "",
        "GENERATED by `make eval` (`python -m evaluation compare`); do not edit by hand.",
        f"Run on {report['date']}. Models: " + ", ".join(f"{k} `{v}`" for k, v in models.items()) + ".",
        "",
        "## Systems",
        "",
        "- **This assistant**: `config.yml` (safety check first, one linear classifier for intents and",
        "  answers), served with its action server through the REST webhook.",
        "- **Stock Rasa config**: the `rasa init` `config.yml` (Rasa's default pipeline and policies) trained",
        "  on the same domain, NLU data and rules, with the same action server; no safety check.",
        "- **BM25 baseline**: each message gets the label of its best BM25 match among the same training",
        f"  examples; below a score of {report.get('bm25_min_score', 0):.2f} (chosen on the coverage dev part)",
        "  it declines.",
        "",
        "Each message is a fresh conversation, judged on what a patient gets first (see `bot/evaluation.py`,",
        "`evaluation/coverage_eval.py`, `evaluation/safety_eval.py`). The held-out files, the coverage test",
        "part and the sealed safety part are never used to tune anything; dev parts are.",
        "",
        "## Held-out sets",
        "",
        *table(report),
        "",
        "## 5-fold cross-validation of the NLU (training examples, stratified, seed 2026)",
        "",
        *_cv_lines(report),
        "",
    ]
    return "\n".join(lines)


def print_summary(report: dict[str, Any]) -> None:
    """The table on the terminal."""
    print()
    for line in table(report):
        print(line)
    print()
    for line in _cv_lines(report):
        print(line)
