"""The retrieval baseline `make eval` compares against: BM25 over the same training examples.

A question gets the label of its best-scoring training example: an FAQ answer, an emergency, a
clinical decision (the care-team referral), a request for a person, or a decline when the best
score is below a threshold chosen on the coverage set's dev part. No rules, no safety check: it
shows what plain retrieval over our data does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rank_bm25 import BM25Okapi

from bot.nlu_generation import RETRIEVAL_INTENT

Replies = list[tuple[str, str | None]]
TOKEN = re.compile(r"[a-z0-9]+")
LABEL_REPLIES = {
    "emergency": "emergency",
    "clinical_decision": "redirect",
    "out_of_scope": "out_of_scope",
    "human_contact": "human",
}
"""What a patient would get for a label that is not an FAQ answer; small talk counts as a decline."""


def tokens(text: str) -> list[str]:
    """Lower-case words and numbers."""
    return TOKEN.findall(text.lower())


@dataclass
class Bm25Baseline:
    """BM25 (Okapi, rank_bm25's defaults) over labelled examples."""

    texts: Sequence[str]
    labels: Sequence[str]
    min_score: float = 0.0

    def __post_init__(self) -> None:
        """Index the examples once."""
        self._index = BM25Okapi([tokens(t) or ["_"] for t in self.texts])

    def best(self, text: str) -> tuple[str, float]:
        """The label of the best-scoring example and its score."""
        scores = self._index.get_scores(tokens(text) or ["_"])
        best = int(scores.argmax())
        return self.labels[best], float(scores[best])

    def replies(self, text: str) -> Replies:
        """(kind, answer id) as the assistant's replies would carry them."""
        label, score = self.best(text)
        return label_replies(label if score >= self.min_score else "out_of_scope")


def label_replies(label: str) -> Replies:
    """The reply kinds for a predicted label."""
    prefix = f"{RETRIEVAL_INTENT}/"
    if label.startswith(prefix):
        return [("answer", label[len(prefix) :])]
    return [(LABEL_REPLIES.get(label, "fallback"), None)]


def choose_min_score(baseline: Bm25Baseline, cases: Sequence[tuple[str, str, str | None]]) -> float:
    """The decline threshold that gets the most dev cases right (answers and declines together)."""
    scored = [(baseline.best(text), expect, answer_id) for text, expect, answer_id in cases]
    candidates = sorted({round(score, 2) for (_, score), _, _ in scored}) or [0.0]
    best_threshold, best_hits = 0.0, -1
    for threshold in candidates:
        hits = 0
        for (label, score), expect, answer_id in scored:
            kind, got = label_replies(label if score >= threshold else "out_of_scope")[0]
            hits += int(expect == "answer" and kind == "answer" and got == answer_id)
            hits += int(expect == "out_of_scope" and kind in ("out_of_scope", "fallback"))
        if hits > best_hits:
            best_threshold, best_hits = threshold, hits
    return best_threshold
